using NodaTime;
using Warnings.Core.Storage;

namespace Warnings.Feeds.Feed;

/// <summary>
/// The latest feed entry of each warning (<c>feed-active:{warning}</c>, listed in
/// <c>feed-active-index</c>), for the Atom feed of active warnings. Events may arrive twice or late:
/// an entry replaces the stored one only if it is newer (a higher version, or the end of the same
/// version), so a redelivered "published" never revives a lifted warning. The CAP text is left out
/// (it is in the CAP store), so each record stays small.
/// </summary>
public sealed class ActiveWarnings(IStateStore store)
{
    private static readonly StoreKey Index = new("feed-active-index", "all");

    private static StoreKey Key(string warningId) => new("feed-active", warningId);

    public async Task ApplyAsync(FeedEntry entry)
    {
        var record = entry with { CapXml = "" };
        await store.HashSetIfAbsentAsync(Index, entry.WarningId, "");
        for (int attempt = 0; attempt < 20; attempt++)
        {
            string? json = await store.GetAsync(Key(entry.WarningId));
            if (json is not null && !Supersedes(record, FeedEntry.FromJson(json)))
            {
                return;
            }

            if (await store.CommitAsync([new StoreCondition(Key(entry.WarningId), json)], [new StoreWrite(Key(entry.WarningId), record.ToJson())]))
            {
                return;
            }
        }

        throw new InvalidOperationException($"The active record of {entry.WarningId} kept changing; the event will be retried.");
    }

    /// <summary>
    /// Warnings whose latest version is in force at <paramref name="now"/> (not lifted, not expired),
    /// newest first, and when that set last changed (the latest publication, update, lift or expiry
    /// up to now), which is the Atom feed's <c>updated</c>: it moves only when the content does.
    /// </summary>
    public async Task<(IReadOnlyList<FeedEntry> InForce, Instant LastChange)> InForceAsync(Instant now)
    {
        var inForce = new List<FeedEntry>();
        var lastChange = Instant.FromUnixTimeSeconds(0);
        foreach (var warningId in (await store.HashGetAllAsync(Index)).Keys)
        {
            if (await store.GetAsync(Key(warningId)) is not { } json)
            {
                continue;
            }

            var entry = FeedEntry.FromJson(json);
            bool expired = entry.ExpiresAt <= now;
            lastChange = Instant.Max(lastChange, entry.Ends && entry.Kind == Contracts.V1.FeedMessageKind.Expire ? entry.ExpiresAt : entry.PublishedAt);
            if (expired)
            {
                lastChange = Instant.Max(lastChange, entry.ExpiresAt);
            }
            else if (!entry.Ends)
            {
                inForce.Add(entry);
            }
        }

        return (inForce.OrderByDescending(e => e.PublishedAt).ThenBy(e => e.WarningId, StringComparer.Ordinal).ToList(), lastChange);
    }

    private static bool Supersedes(FeedEntry next, FeedEntry stored) =>
        next.Version > stored.Version || (next.Version == stored.Version && next.Ends && !stored.Ends);
}
