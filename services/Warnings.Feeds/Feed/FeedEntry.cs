using System.Text.Json;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Json;

namespace Warnings.Feeds.Feed;

/// <summary>
/// One entry of the partner feed: a warning version and what happened to it, with its CAP document.
/// Stored as JSON in the feed stream; everything a filter looks at is on it, so filtering needs no
/// further reads.
/// </summary>
public sealed record FeedEntry(
    FeedMessageKind Kind,
    string Identifier,
    string WarningId,
    int Version,
    string Hazard,
    string Level,
    IReadOnlyList<string> Districts,
    string Headline,
    Instant PublishedAt,
    Instant ExpiresAt,
    bool Restricted,
    string CapXml)
{
    /// <summary>The channel that approves a version for partners.</summary>
    public const string PartnerChannel = "partner_feed";

    /// <summary>The entry for <paramref name="version"/>; restricted when no public channel is approved for it besides the partner feed.</summary>
    public static FeedEntry From(PublishedWarningVersion version, FeedMessageKind kind, string identifier, string capXml) => new(
        kind, identifier, version.WarningId, version.Version, version.Hazard, version.Level, version.Districts,
        version.Texts.FirstOrDefault(t => t.Language == "zh-CN")?.Headline ?? version.Texts.FirstOrDefault()?.Headline ?? "",
        version.PublishedAt, version.ExpiresAt, Restricted: version.Channels.All(c => c == PartnerChannel), capXml);

    /// <summary>Lifted and expired versions are over.</summary>
    public bool Ends => Kind is FeedMessageKind.Lift or FeedMessageKind.Expire;

    public string ToJson() => JsonSerializer.Serialize(this, PlatformJson.Options);

    public static FeedEntry FromJson(string json) => JsonSerializer.Deserialize<FeedEntry>(json, PlatformJson.Options)!;

    /// <summary>The gRPC message for this entry at <paramref name="sequence"/>.</summary>
    public FeedMessage ToMessage(long sequence) => new()
    {
        Sequence = sequence,
        ResumeToken = FeedStream.TokenOf(sequence),
        Kind = Kind,
        Identifier = Identifier,
        WarningId = WarningId,
        Version = Version,
        Hazard = Hazard,
        Level = Level,
        Districts = { Districts },
        Headline = Headline,
        PublishedAt = PublishedAt.ToTimestamp(),
        ExpiresAt = ExpiresAt.ToTimestamp(),
        Restricted = Restricted,
        CapXml = CapXml,
    };
}

/// <summary>An entry as read from the feed, parsed once and shared by every subscriber it goes to.</summary>
public sealed record NumberedEntry(long Sequence, FeedEntry Entry, FeedMessage Message)
{
    public static NumberedEntry Parse(Core.Storage.SequencedEntry stored)
    {
        var entry = FeedEntry.FromJson(stored.Payload);
        return new NumberedEntry(stored.Sequence, entry, entry.ToMessage(stored.Sequence));
    }
}
