using Microsoft.Extensions.Options;
using NodaTime;

namespace Warnings.Core.Storage;

/// <summary>
/// The embedded default store: everything in this process's memory, gone when it ends. One lock keeps
/// each operation atomic, which is what Redis gives for free; the platform's throughput in this mode
/// is bounded by the bus, not by this lock.
/// </summary>
public sealed partial class InMemoryStateStore(IOptions<StoreOptions> options, IClock clock) : IStateStore
{
    private sealed record Entry(object Value, Instant? ExpiresAt);

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

    public Task<IReadOnlyList<string?>> GetManyAsync(IReadOnlyList<StoreKey> keys)
    {
        lock (_gate)
        {
            IReadOnlyList<string?> values = keys.Select(k => Live(k) is { Value: string s } ? s : null).ToList();
            return Task.FromResult(values);
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

    public Task<IReadOnlyList<string>> ListHeadAsync(StoreKey key, int count) => ListRangeAsync(key, 0, count);

    public Task<IReadOnlyList<string>> ListRangeAsync(StoreKey key, long start, int count)
    {
        lock (_gate)
        {
            IReadOnlyList<string> window = start < 0 || count <= 0 ? [] : ListAt(key, create: false)?.Skip((int)Math.Min(start, int.MaxValue)).Take(count).ToList() ?? [];
            return Task.FromResult(window);
        }
    }

    public Task<bool> ListRemoveHeadAsync(StoreKey key, IReadOnlyList<string> head)
    {
        lock (_gate)
        {
            if (head.Count == 0)
            {
                return Task.FromResult(true);
            }

            // Recognised as the Redis store recognises it: by its first and last items.
            if (ListAt(key, create: false) is not { } list || list.Count < head.Count || list[0] != head[0] || list[head.Count - 1] != head[^1])
            {
                return Task.FromResult(false);
            }

            list.RemoveRange(0, head.Count);
            return Task.FromResult(true);
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

    public async Task<IReadOnlyList<OnceClaim>> ClaimManyOnceAsync(IReadOnlyList<OnceRequest> requests, string owner, Duration lease)
    {
        OnceRequest.CheckCount(requests);
        var claims = new List<OnceClaim>(requests.Count);
        // One after the other, each under the store's lock: the contract promises each claim's answer.
        foreach (var request in requests)
        {
            claims.Add(await ClaimOnceAsync(request.Done, owner, lease, request.AlsoRead));
        }

        return claims;
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

    public async Task<IReadOnlyList<bool>> CompleteManyOnceAsync(IReadOnlyList<OnceCompletion> completions)
    {
        OnceCompletion.CheckCount(completions);
        var done = new List<bool>(completions.Count);
        foreach (var c in completions)
        {
            done.Add(await CompleteOnceAsync(c.Done, c.Result, c.Remember, c.Conditions, c.AlsoWrite));
        }

        return done;
    }

    public Task ReleaseOnceAsync(StoreKey done, string owner) => ReleaseLeaseAsync(ClaimOf(done), owner);

    private static StoreKey ClaimOf(StoreKey done) => new($"{done.Area}-claim", done.Id);

    public Task<bool> ReleaseLeaseAsync(StoreKey key, string owner)
    {
        lock (_gate)
        {
            bool held = Live(key) is { Value: string holder } && holder == owner;
            if (held)
            {
                _entries.Remove(key.Render(_prefix));
            }

            return Task.FromResult(held);
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
