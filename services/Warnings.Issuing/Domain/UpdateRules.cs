using Warnings.Contracts.V1;
using Warnings.Core.Domain;

namespace Warnings.Issuing.Domain;

/// <summary>
/// What an update of a published warning does to its reach. An update that raises the level,
/// widens the area or adds channels is in effect a new, bigger warning: it needs the same second
/// pair of eyes as one (the person who updates it must not be the person who made it, and a level
/// that needs a leader needs an approver). A downgrade, a text correction, a shorter validity or a
/// smaller area does not, so the maker can still correct their own warning at once.
/// </summary>
public static class UpdateRules
{
    /// <summary>How <paramref name="proposed"/> goes beyond <paramref name="current"/>, in plain words; empty when it does not.</summary>
    public static IReadOnlyList<string> Escalations(WarningContent current, WarningContent proposed)
    {
        var escalations = new List<string>();
        if (Rank(proposed.Level) > Rank(current.Level))
        {
            escalations.Add($"level {Name(current.Level)} -> {Name(proposed.Level)}");
        }

        var newDistricts = proposed.Districts.Where(d => !Covers(current.Districts, d)).ToList();
        if (newDistricts.Count > 0)
        {
            escalations.Add($"districts added: {string.Join(", ", newDistricts)}");
        }

        // Shapes cannot be compared for containment cheaply: any polygon or circle the version in force
        // does not already have counts as a wider area.
        if (proposed.Polygons.Any(p => !current.Polygons.Contains(p)) || proposed.Circles.Any(c => !current.Circles.Contains(c)))
        {
            escalations.Add("new polygons or circles");
        }

        var newChannels = proposed.Channels.Except(current.Channels, StringComparer.Ordinal).ToList();
        if (newChannels.Count > 0)
        {
            escalations.Add($"channels added: {string.Join(", ", newChannels)}");
        }

        return escalations;
    }

    // A level-less notice ranks below blue.
    private static int Rank(string level) => level.Length == 0 ? -1 : WarningLevels.Rank(level);

    private static string Name(string level) => level.Length == 0 ? "none" : level;

    // 310000 is the whole city, so it covers every district.
    private static bool Covers(IEnumerable<string> districts, string district) =>
        districts.Any(d => d == district || d == CityWide);

    private const string CityWide = "310000";
}
