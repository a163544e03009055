using Warnings.Core.Domain;

namespace Warnings.Core.Identity;

/// <summary>
/// What a partner may receive: hazards (<c>*</c> for all), districts (<c>310000</c> for the whole
/// city) and the lowest level. Feeds and queries are intersected with it via <see cref="Scopes.RestrictToEntitlement"/>.
/// </summary>
public sealed record Entitlements(IReadOnlySet<string> Hazards, IReadOnlySet<string> Districts, string MinimumLevel)
{
    public const string AllHazards = "*";

    public static Entitlements None { get; } = new(new HashSet<string>(), new HashSet<string>(), WarningLevels.Red);

    public bool CoversHazard(string hazard) => Hazards.Contains(AllHazards) || Hazards.Contains(hazard);

    public bool CoversDistrict(string district) => Districts.Contains(Scopes.CityWide) || Districts.Contains(district);

    /// <summary>True for level-less notices and for levels at or above the minimum.</summary>
    public bool CoversLevel(string? level) => string.IsNullOrEmpty(level) || WarningLevels.Rank(level) >= WarningLevels.Rank(MinimumLevel);

    /// <summary>Whether a warning with this hazard, level and area is within the entitlement (any one district suffices).</summary>
    public bool Covers(string hazard, string? level, IEnumerable<string> districts) =>
        CoversHazard(hazard) && CoversLevel(level) && districts.Any(d => d == Scopes.CityWide || CoversDistrict(d));
}
