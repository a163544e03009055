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
    /// What the Atom feed shows at <paramref name="now"/> (see <see cref="AtomWindow"/>): warnings in
    /// force, and those lifted or expired less than <paramref name="retention"/> ago; and when any
    /// record last changed up to now, which is the feed's <c>updated</c> when a filter leaves it empty.
    /// </summary>
    public async Task<(IReadOnlyList<AtomWindow.Shown> Shown, Instant LastChange)> ShownAsync(Instant now, Duration retention)
    {
        var shown = new List<AtomWindow.Shown>();
        var lastChange = Instant.FromUnixTimeSeconds(0);
        // Every record in one read (not one round trip each): the feed is polled, and the index keeps
        // every warning the feed has shown.
        var ids = (await store.HashGetAllAsync(Index)).Keys.ToList();
        foreach (var json in (await store.GetManyAsync(ids.Select(Key).ToList())).OfType<string>())
        {
            var entry = FeedEntry.FromJson(json);
            lastChange = Instant.Max(lastChange, AtomWindow.EndedAt(entry, now) ?? entry.PublishedAt);
            if (AtomWindow.At(entry, now, retention) is { } item)
            {
                shown.Add(item);
            }
        }

        return (shown, lastChange);
    }

    private static bool Supersedes(FeedEntry next, FeedEntry stored) =>
        next.Version > stored.Version || (next.Version == stored.Version && next.Ends && !stored.Ends);
}
