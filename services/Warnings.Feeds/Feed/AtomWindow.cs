using NodaTime;
using Warnings.Contracts.V1;

namespace Warnings.Feeds.Feed;

/// <summary>
/// What the Atom feed shows of one warning's latest record at an instant. A warning in force shows
/// its current version; a lifted one shows its Cancel version and an expired one its last version
/// marked expired, both for <c>Feeds:AllClearRetention</c> after they ended, so a reader that polls
/// less often than warnings change still sees every all-clear. Each shown entry's <c>updated</c> is
/// when its content last changed (publication, lift or expiry), never the time of the request.
/// </summary>
public static class AtomWindow
{
    /// <summary>A record as shown: its entry, the instant its content last changed, and whether it is over.</summary>
    public sealed record Shown(FeedEntry Entry, Instant Updated, bool Ended)
    {
        /// <summary>Expired by the clock or by its Expire event: the entry shows the last version's CAP, marked expired.</summary>
        public bool Expired => Ended && Entry.Kind != FeedMessageKind.Lift;
    }

    /// <summary>When the warning ended (lifted: the Cancel's publication; expired: its expiry, whether or not the event came yet), or null while in force.</summary>
    public static Instant? EndedAt(FeedEntry entry, Instant now) => entry.Kind switch
    {
        FeedMessageKind.Lift => entry.PublishedAt,
        FeedMessageKind.Expire => entry.ExpiresAt,
        _ => entry.ExpiresAt <= now ? entry.ExpiresAt : null,
    };

    /// <summary>The record as the feed shows it at <paramref name="now"/>, or null once it ended more than <paramref name="retention"/> ago.</summary>
    public static Shown? At(FeedEntry entry, Instant now, Duration retention)
    {
        if (EndedAt(entry, now) is not { } ended)
        {
            return new Shown(entry, entry.PublishedAt, Ended: false);
        }

        return now < ended + retention ? new Shown(entry, ended, Ended: true) : null;
    }

    /// <summary>The shown records newest change first, and the feed's <c>updated</c>: the latest entry's, else <paramref name="whenEmpty"/>.</summary>
    public static (IReadOnlyList<Shown> Entries, Instant Updated) Order(IEnumerable<Shown> shown, Instant whenEmpty)
    {
        var ordered = shown.OrderByDescending(s => s.Updated).ThenBy(s => s.Entry.WarningId, StringComparer.Ordinal).ToList();
        return (ordered, ordered.Count > 0 ? ordered[0].Updated : whenEmpty);
    }
}
