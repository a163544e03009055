using Microsoft.Extensions.Primitives;
using Warnings.Core.Domain;
using Warnings.Core.Identity;

namespace Warnings.Feeds.Feed;

/// <summary>
/// One Atom feed of this platform: <c>/feeds/cap.atom</c> filtered by hazards, districts and a
/// minimum level (all optional). Its URL in canonical form (codes sorted, comma-joined, in the order
/// hazard, district, min_level) is the feed's <c>rel="self"</c> link and its WebSub topic, so two
/// spellings of the same filter are one topic.
/// </summary>
public sealed record FeedTopic(IReadOnlyList<string> Hazards, IReadOnlyList<string> Districts, string MinLevel)
{
    public const string Path = "/feeds/cap.atom";

    /// <summary>At most this many hazards or districts in a topic (as in a gRPC feed filter).</summary>
    public const int MaxCodes = FeedSelection.MaxCodes;

    public const int MaxCodeLength = 64;

    private static readonly string[] Parameters = ["hazard", "district", "min_level"];

    public static readonly FeedTopic All = new([], [], "");

    /// <summary>
    /// The topic of a query (<c>hazard</c> and <c>district</c> repeated or comma-separated,
    /// <c>min_level</c> once), or why it is not one of these feeds. With <paramref name="strict"/>
    /// (a WebSub topic) other parameters are refused too; the feed itself ignores them.
    /// </summary>
    public static FeedTopic? Parse(IEnumerable<KeyValuePair<string, StringValues>> query, bool strict, out (string Field, string Message)? error)
    {
        error = null;
        var values = query.ToList();
        if (strict && values.FirstOrDefault(v => !Parameters.Contains(v.Key, StringComparer.Ordinal)) is { Key: not null } unknown)
        {
            error = (unknown.Key.Length <= 40 ? unknown.Key : "query", "is not a parameter of this feed (only hazard, district, min_level)");
            return null;
        }

        var hazards = Codes(values, "hazard");
        var districts = Codes(values, "district");
        var levels = values.Where(v => v.Key == "min_level").SelectMany(v => v.Value).ToList();
        string minLevel = levels.Count == 1 ? levels[0] ?? "" : "";
        error = hazards.Count > MaxCodes ? ("hazard", $"at most {MaxCodes} codes")
            : districts.Count > MaxCodes ? ("district", $"at most {MaxCodes} codes")
            : hazards.Any(c => c.Length > MaxCodeLength) ? ("hazard", $"codes are at most {MaxCodeLength} characters")
            : districts.Any(c => c.Length > MaxCodeLength) ? ("district", $"codes are at most {MaxCodeLength} characters")
            : levels.Count > 1 ? ("min_level", "is given once")
            : minLevel.Length > 0 && !WarningLevels.IsKnown(minLevel) ? ("min_level", "must be blue, yellow, orange or red")
            : null;
        return error is null ? new FeedTopic(hazards, districts, minLevel) : null;
    }

    /// <summary>The canonical URL of this feed under <paramref name="baseUrl"/> (no trailing slash).</summary>
    public string Url(string baseUrl)
    {
        var parts = new List<string>();
        if (Hazards.Count > 0)
        {
            parts.Add($"hazard={string.Join(',', Hazards.Select(Uri.EscapeDataString))}");
        }

        if (Districts.Count > 0)
        {
            parts.Add($"district={string.Join(',', Districts.Select(Uri.EscapeDataString))}");
        }

        if (MinLevel.Length > 0)
        {
            parts.Add($"min_level={MinLevel}");
        }

        return $"{baseUrl}{Path}{(parts.Count > 0 ? "?" + string.Join('&', parts) : "")}";
    }

    /// <summary>The filter as an entitlement-shaped scope: empty parts mean everything.</summary>
    public Entitlements Scope => new(
        Hazards.Count > 0 ? Hazards.ToHashSet(StringComparer.Ordinal) : new HashSet<string> { Entitlements.AllHazards },
        Districts.Count > 0 ? Districts.ToHashSet(StringComparer.Ordinal) : new HashSet<string> { Scopes.CityWide },
        MinLevel.Length > 0 ? MinLevel : WarningLevels.Blue);

    public bool Matches(FeedEntry entry) => Scope.Covers(entry.Hazard, entry.Level, entry.Districts);

    public bool Equals(FeedTopic? other) => other is not null && Url("") == other.Url("");

    public override int GetHashCode() => Url("").GetHashCode(StringComparison.Ordinal);

    private static List<string> Codes(List<KeyValuePair<string, StringValues>> values, string name) =>
        values.Where(v => v.Key == name).SelectMany(v => v.Value)
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
