using Warnings.Contracts.V1;
using Warnings.Core.Domain;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Entitlements = Warnings.Core.Identity.Entitlements;

namespace Warnings.Feeds.Feed;

/// <summary>
/// Which feed entries one subscriber or webhook receives: the requested filter within the caller's
/// entitlement (partners), plus the message kinds. Worked out once per subscription, then applied
/// to every entry without further reads.
/// </summary>
public sealed record FeedSelection(Entitlements Scope, IReadOnlySet<FeedMessageKind> Kinds)
{
    private static readonly Entitlements Everything = new(new HashSet<string> { Entitlements.AllHazards }, new HashSet<string> { Scopes.CityWide }, WarningLevels.Blue);

    /// <summary>
    /// The selection for <paramref name="caller"/>. A caller holding one of <paramref name="broadRoles"/>
    /// (the roles allowed this very read in full) may ask for anything; everyone else gets the
    /// partner entitlement: the filter is intersected with it (empty parts mean "all I am entitled
    /// to"; asking beyond it is PERMISSION_DENIED), and a caller without the partner role is entitled
    /// to nothing. Other roles a principal holds widen nothing. Malformed filters are INVALID_ARGUMENT.
    /// </summary>
    /// <summary>At most this many hazards, districts or kinds in one filter.</summary>
    public const int MaxCodes = 100;

    public static FeedSelection For(PlatformPrincipal caller, FeedFilter filter, IReadOnlyCollection<string> broadRoles, string field = "filter")
    {
        // Bounded first, so a filter of 50,000 codes costs nothing and answers briefly.
        new FieldViolations()
            .CheckCount(filter.Hazards.Count, $"{field}.hazards", MaxCodes)
            .CheckCount(filter.Districts.Count, $"{field}.districts", MaxCodes)
            .CheckCount(filter.Kinds.Count, $"{field}.kinds", MaxCodes)
            .Check(filter.Hazards.All(h => h.Length <= 64) && filter.Districts.All(d => d.Length <= 64), field, "codes are at most 64 characters")
            .ThrowIfAny();
        new FieldViolations()
            .Check(filter.MinLevel.Length == 0 || WarningLevels.IsKnown(filter.MinLevel), $"{field}.min_level", "must be blue, yellow, orange or red")
            .Check(!filter.Kinds.Contains(FeedMessageKind.Unspecified), $"{field}.kinds", "must not contain FEED_MESSAGE_KIND_UNSPECIFIED")
            .Check(filter.Hazards.All(h => h.Length > 0) && filter.Districts.All(d => d.Length > 0), field, "must not contain empty codes")
            .ThrowIfAny();
        var requested = new Entitlements(filter.Hazards.ToHashSet(), filter.Districts.ToHashSet(), filter.MinLevel);
        var scope = !caller.HasAnyRole(broadRoles)
            ? caller.RestrictToEntitlement(requested)
            : new Entitlements(
                requested.Hazards.Count > 0 ? requested.Hazards : Everything.Hazards,
                requested.Districts.Count > 0 ? requested.Districts : Everything.Districts,
                requested.MinimumLevel.Length > 0 ? requested.MinimumLevel : Everything.MinimumLevel);
        return new FeedSelection(scope, filter.Kinds.ToHashSet());
    }

    /// <summary>The filter as it is applied (stored with a webhook, shown back to the partner).</summary>
    public FeedFilter ToFilter() => new()
    {
        Hazards = { Scope.Hazards.Order(StringComparer.Ordinal) },
        Districts = { Scope.Districts.Order(StringComparer.Ordinal) },
        MinLevel = Scope.MinimumLevel,
        Kinds = { Kinds.Order() },
    };

    /// <summary>A stored, already intersected filter back as a selection.</summary>
    public static FeedSelection FromApplied(FeedFilter applied) =>
        new(new Entitlements(applied.Hazards.ToHashSet(), applied.Districts.ToHashSet(), applied.MinLevel), applied.Kinds.ToHashSet());

    public bool Matches(FeedEntry entry) =>
        (Kinds.Count == 0 || Kinds.Contains(entry.Kind)) && Scope.Covers(entry.Hazard, entry.Level, entry.Districts);
}
