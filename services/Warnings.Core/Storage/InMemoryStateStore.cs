using Microsoft.Extensions.Options;
using NodaTime;

namespace Warnings.Core.Storage;

/// <summary>
/// The embedded default store: everything in this process's memory, gone when it ends. One lock keeps
/// each operation atomic, which is what Redis gives for free; the platform's throughput in this mode
/// is bounded by the bus, not by this lock.
/// </summary>
public sealed class InMemoryStateStore(IOptions<StoreOptions> options, IClock clock) : IStateStore
{
    private sealed record Entry(object Value, Instant? ExpiresAt);

    private sealed class MemoryLog
    {
        public List<LogEntry> Entries { get; } = [];

        public long Appended { get; set; }
    }

    private sealed class MemorySequence
    {
        public List<SequencedEntry> Entries { get; } = [];

        public Dictionary<string, long> Seen { get; } = new(StringComparer.Ordinal);
    }

    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Action<string>>> _subscribers = new(StringComparer.Ordinal);
    private readonly string _prefix = options.Value.KeyPrefix;

    public string Kind => "InMemory";

    public Task<bool> PingAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task<string?> GetAsync(StoreKey key)
    {
        lock (_gate)
        {
            return Task.FromResult(Live(key) is { Value: string s } ? s : null);
        }
    }

    public Task SetAsync(StoreKey key, string value, Duration? expiry = null)
    {
        lock (_gate)
        {
            _entries[key.Render(_prefix)] = new Entry(value, ExpiresAt(expiry));
        }

        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(StoreKey key)
    {
        lock (_gate)
        {
            bool existed = Live(key) is not null;
            _entries.Remove(key.Render(_prefix));
            return Task.FromResult(existed);
        }
    }

    public Task<bool> HashSetIfAbsentAsync(StoreKey key, string field, string value, Duration? expiry = null)
    {
        lock (_gate)
        {
            var entry = Live(key);
            if (entry is not null && entry.Value is not Dictionary<string, string>)
            {
                throw new InvalidOperationException($"Key {key} holds a value that is not a hash.");
            }

            var hash = entry?.Value as Dictionary<string, string> ?? new Dictionary<string, string>(StringComparer.Ordinal);
            bool added = hash.TryAdd(field, value);
            _entries[key.Render(_prefix)] = new Entry(hash, expiry is null ? entry?.ExpiresAt : ExpiresAt(expiry));
            return Task.FromResult(added);
        }
    }

    public Task<IReadOnlyDictionary<string, string>> HashGetAllAsync(StoreKey key)
    {
        lock (_gate)
        {
            IReadOnlyDictionary<string, string> copy = Live(key) is { Value: Dictionary<string, string> hash }
                ? new Dictionary<string, string>(hash, StringComparer.Ordinal)
                : new Dictionary<string, string>();
            return Task.FromResult(copy);
        }
    }

    public Task<LogAppendResult> AppendToLogAsync(StoreKey log, string expectedLastHash, IReadOnlyList<LogAppend> entries)
    {
        lock (_gate)
        {
            var memoryLog = LogAt(log, create: true)!;
            var last = memoryLog.Entries.LastOrDefault();
            string lastHash = last?.Hash ?? "";
            if (lastHash != expectedLastHash)
            {
                return Task.FromResult(new LogAppendResult(false, [], lastHash));
            }

            var ids = new List<string>(entries.Count);
            foreach (var append in entries)
            {
                var entry = new LogEntry(LogIds.Next(last?.Id, append.At), append.At, append.Hash, append.Payload);
                memoryLog.Entries.Add(entry);
                memoryLog.Appended++;
                ids.Add(entry.Id);
                last = entry;
            }

            return Task.FromResult(new LogAppendResult(true, ids, last?.Hash ?? lastHash));
        }
    }

    public Task<LogEntry?> ReadLastLogEntryAsync(StoreKey log)
    {
        lock (_gate)
        {
            return Task.FromResult(LogAt(log, create: false)?.Entries.LastOrDefault());
        }
    }

    public Task<IReadOnlyList<LogEntry>> ReadLogAsync(StoreKey log, Instant from, Instant to, string? afterId, int count)
    {
        lock (_gate)
        {
            long fromMs = from.ToUnixTimeMilliseconds(), toMs = to.ToUnixTimeMilliseconds();
            IReadOnlyList<LogEntry> page = (LogAt(log, create: false)?.Entries ?? [])
                .Where(e => LogIds.Parse(e.Id).Ms >= fromMs && LogIds.Parse(e.Id).Ms <= toMs)
                .Where(e => afterId is null || LogIds.Compare(e.Id, afterId) > 0)
                .Take(count)
                .ToList();
            return Task.FromResult(page);
        }
    }

    public Task<long> CountAppendedToLogAsync(StoreKey log)
    {
        lock (_gate)
        {
            return Task.FromResult(LogAt(log, create: false)?.Appended ?? 0);
        }
    }

    public Task<SequenceAppendResult> AppendToSequenceAsync(StoreKey stream, string dedupeId, string payload)
    {
        lock (_gate)
        {
            var sequence = SequenceAt(stream, create: true)!;
            if (sequence.Seen.TryGetValue(dedupeId, out long seen))
            {
                return Task.FromResult(new SequenceAppendResult(seen, false));
            }

            long number = sequence.Entries.Count + 1;
            sequence.Entries.Add(new SequencedEntry(number, payload));
            sequence.Seen[dedupeId] = number;
            return Task.FromResult(new SequenceAppendResult(number, true));
        }
    }

    public Task<IReadOnlyList<SequencedEntry>> ReadSequenceAsync(StoreKey stream, long afterSequence, int count)
    {
        lock (_gate)
        {
            // Entries are numbered 1, 2, 3... by position, so "after n" starts at index n.
            var entries = SequenceAt(stream, create: false)?.Entries ?? [];
            int start = (int)Math.Clamp(afterSequence, 0, entries.Count);
            IReadOnlyList<SequencedEntry> page = entries.GetRange(start, Math.Min(count, entries.Count - start));
            return Task.FromResult(page);
        }
    }

    public Task<long> LastSequenceAsync(StoreKey stream)
    {
        lock (_gate)
        {
            return Task.FromResult((long)(SequenceAt(stream, create: false)?.Entries.Count ?? 0));
        }
    }

    public Task<bool> CommitAsync(IReadOnlyList<StoreCondition> conditions, IReadOnlyList<StoreWrite> writes)
    {
        lock (_gate)
        {
            return Task.FromResult(Apply(conditions, writes));
        }
    }

    // Under the caller's lock: the writes if every condition holds, else nothing.
    private bool Apply(IReadOnlyList<StoreCondition> conditions, IReadOnlyList<StoreWrite> writes)
    {
        if (!conditions.All(c => (Live(c.Key)?.Value as string) == c.Expected && (c.Expected is not null || Live(c.Key) is null)))
        {
            return false;
        }

        foreach (var write in writes)
        {
            switch (write.Kind)
            {
                case StoreWriteKind.Append:
                    ListAt(write.Key, create: true)!.Add(write.Value);
                    break;
                case StoreWriteKind.Schedule:
                    ScheduleAt(write.Key)[write.Value] = write.Due;
                    break;
                case StoreWriteKind.Unschedule:
                    ScheduleAt(write.Key).Remove(write.Value);
                    break;
                default:
                    _entries[write.Key.Render(_prefix)] = new Entry(write.Value, null);
                    break;
            }
        }

        return true;
    }

    /// <summary>A schedule: members and when each is due (Redis: a sorted set).</summary>
    private sealed class Schedule() : Dictionary<string, Instant>(StringComparer.Ordinal);

    private Schedule ScheduleAt(StoreKey key)
    {
        if (Live(key) is { Value: Schedule schedule })
        {
            return schedule;
        }

        schedule = new Schedule();
        _entries[key.Render(_prefix)] = new Entry(schedule, null);
        return schedule;
    }

    public Task<IReadOnlyList<string>> DueAsync(StoreKey schedule, Instant upTo, int count)
    {
        lock (_gate)
        {
            IReadOnlyList<string> due = Live(schedule) is { Value: Schedule members }
                ? members.Where(m => m.Value <= upTo).OrderBy(m => m.Value).ThenBy(m => m.Key, StringComparer.Ordinal).Take(count).Select(m => m.Key).ToList()
                : [];
            return Task.FromResult(due);
        }
    }

    public Task<IReadOnlyList<string>> ListHeadAsync(StoreKey key, int count)
    {
        lock (_gate)
        {
            IReadOnlyList<string> head = ListAt(key, create: false)?.Take(count).ToList() ?? [];
            return Task.FromResult(head);
        }
    }

    public Task ListRemoveHeadAsync(StoreKey key, int count)
    {
        lock (_gate)
        {
            var list = ListAt(key, create: false);
            list?.RemoveRange(0, Math.Min(count, list.Count));
            return Task.CompletedTask;
        }
    }

    public Task<long> ListLengthAsync(StoreKey key)
    {
        lock (_gate)
        {
            return Task.FromResult((long)(ListAt(key, create: false)?.Count ?? 0));
        }
    }

    public Task<bool> AcquireLeaseAsync(StoreKey key, string owner, Duration ttl)
    {
        lock (_gate)
        {
            if (Live(key) is { Value: string holder } && holder != owner)
            {
                return Task.FromResult(false);
            }

            _entries[key.Render(_prefix)] = new Entry(owner, ExpiresAt(ttl));
            return Task.FromResult(true);
        }
    }

    public Task<OnceClaim> ClaimOnceAsync(StoreKey done, string owner, Duration lease, StoreKey? alsoRead = null)
    {
        lock (_gate)
        {
            if (Live(done) is { Value: string result })
            {
                return Task.FromResult(new OnceClaim(OnceOutcome.Done, result));
            }

            var claim = ClaimOf(done);
            if (Live(claim) is { Value: string holder } && holder != owner)
            {
                return Task.FromResult(new OnceClaim(OnceOutcome.HeldElsewhere, holder));
            }

            _entries[claim.Render(_prefix)] = new Entry(owner, ExpiresAt(lease));
            return Task.FromResult(new OnceClaim(OnceOutcome.Claimed, null, alsoRead is { } read ? Live(read)?.Value as string : null));
        }
    }

    public Task<bool> CompleteOnceAsync(StoreKey done, string result, Duration remember, IReadOnlyList<StoreCondition>? conditions = null, IReadOnlyList<StoreWrite>? alsoWrite = null)
    {
        lock (_gate)
        {
            // Under one lock: the conditional writes and the result land in one step.
            if (!Apply(conditions ?? [], alsoWrite ?? []))
            {
                return Task.FromResult(false);
            }

            _entries[done.Render(_prefix)] = new Entry(result, ExpiresAt(remember));
            _entries.Remove(ClaimOf(done).Render(_prefix));
            return Task.FromResult(true);
        }
    }

    public Task ReleaseOnceAsync(StoreKey done, string owner) => ReleaseLeaseAsync(ClaimOf(done), owner);

    private static StoreKey ClaimOf(StoreKey done) => new($"{done.Area}-claim", done.Id);

    public Task ReleaseLeaseAsync(StoreKey key, string owner)
    {
        lock (_gate)
        {
            if (Live(key) is { Value: string holder } && holder == owner)
            {
                _entries.Remove(key.Render(_prefix));
            }

            return Task.CompletedTask;
        }
    }

    private List<string>? ListAt(StoreKey key, bool create)
    {
        var entry = Live(key);
        if (entry is not null && entry.Value is not List<string>)
        {
            throw new InvalidOperationException($"Key {key} holds a value that is not a list.");
        }

        if (entry is null && create)
        {
            entry = new Entry(new List<string>(), null);
            _entries[key.Render(_prefix)] = entry;
        }

        return entry?.Value as List<string>;
    }

    public Task PublishAsync(string channel, string message)
    {
        Action<string>[] handlers;
        lock (_gate)
        {
            handlers = _subscribers.TryGetValue(channel, out var list) ? list.ToArray() : [];
        }

        foreach (var handler in handlers)
        {
            handler(message);
        }

        return Task.CompletedTask;
    }

    public Task SubscribeAsync(string channel, Action<string> handler)
    {
        lock (_gate)
        {
            if (!_subscribers.TryGetValue(channel, out var list))
            {
                _subscribers[channel] = list = [];
            }

            list.Add(handler);
        }

        return Task.CompletedTask;
    }

    private MemorySequence? SequenceAt(StoreKey key, bool create)
    {
        var entry = Live(key);
        if (entry is null && create)
        {
            entry = new Entry(new MemorySequence(), null);
            _entries[key.Render(_prefix)] = entry;
        }

        return entry?.Value as MemorySequence ?? (entry is null ? null : throw new InvalidOperationException($"Key {key} holds a value that is not a sequenced stream."));
    }

    private MemoryLog? LogAt(StoreKey key, bool create)
    {
        var entry = Live(key);
        if (entry is not null && entry.Value is not MemoryLog)
        {
            throw new InvalidOperationException($"Key {key} holds a value that is not a log.");
        }

        if (entry is null && create)
        {
            entry = new Entry(new MemoryLog(), null);
            _entries[key.Render(_prefix)] = entry;
        }

        return entry?.Value as MemoryLog;
    }

    // The entry at key unless it has expired; expired entries are dropped on sight, as Redis does lazily.
    private Entry? Live(StoreKey key)
    {
        string rendered = key.Render(_prefix);
        if (!_entries.TryGetValue(rendered, out var entry))
        {
            return null;
        }

        if (entry.ExpiresAt is { } at && clock.GetCurrentInstant() >= at)
        {
            _entries.Remove(rendered);
            return null;
        }

        return entry;
    }

    private Instant? ExpiresAt(Duration? expiry) => expiry is { } d ? clock.GetCurrentInstant() + d : null;
}
