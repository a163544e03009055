using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;

namespace Warnings.Analysis.Projections;

/// <summary>
/// The analysis projection of one warning (<c>analysis-warning:{id}</c>): its latest published
/// version and whether it has ended, computed from the stored warning document alone.
/// </summary>
public sealed record WarningFacts(
    string Id,
    string Department,
    string Hazard,
    string Level,
    IReadOnlyList<string> Districts,
    string Headline,
    int Version,
    bool Ended,
    Instant PublishedAt,
    Instant ExpiresAt,
    long Revision)
{
    /// <summary>The facts of a warning, or null while it was never published (drafts are not analysed).</summary>
    public static WarningFacts? From(WarningHistory history)
    {
        var warning = history.Warning;
        if (warning.Version == 0 || warning.Content is null)
        {
            return null;
        }

        var content = warning.Content;
        return new WarningFacts(
            warning.Id, warning.Department, content.Hazard, content.Level, content.Districts.ToList(),
            content.Texts.FirstOrDefault(t => t.Language == "zh-CN")?.Headline ?? content.Texts.FirstOrDefault()?.Headline ?? "",
            warning.Version, warning.State is WarningState.Lifted or WarningState.Expired,
            history.Versions.FirstOrDefault()?.PublishedAt?.ToInstant() ?? warning.UpdatedAt?.ToInstant() ?? default,
            content.ExpiresAt.ToInstant(), warning.Revision);
    }

    /// <summary>In force at <paramref name="at"/>: published, not lifted or expired, before its expiry.</summary>
    public bool ActiveAt(Instant at) => !Ended && ExpiresAt > at && PublishedAt <= at;
}
