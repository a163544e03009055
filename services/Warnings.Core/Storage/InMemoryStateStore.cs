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

    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
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
