using NodaTime;
using Warnings.Core.Storage;

namespace Warnings.Testing;

/// <summary>
/// An <see cref="IStateStore"/> that forwards everything to another; a test overrides the one call
/// it wants to bend (a read that misses, a log someone edited...).
/// </summary>
public abstract class ForwardingStateStore(IStateStore inner) : IStateStore
{
    public virtual string Kind => inner.Kind;

    public virtual Task<bool> PingAsync(CancellationToken cancellationToken = default) => inner.PingAsync(cancellationToken);

    public virtual Task<string?> GetAsync(StoreKey key) => inner.GetAsync(key);

    public virtual Task SetAsync(StoreKey key, string value, Duration? expiry = null) => inner.SetAsync(key, value, expiry);

    public virtual Task<bool> DeleteAsync(StoreKey key) => inner.DeleteAsync(key);

    public virtual Task<bool> HashSetIfAbsentAsync(StoreKey key, string field, string value, Duration? expiry = null) => inner.HashSetIfAbsentAsync(key, field, value, expiry);

    public virtual Task<IReadOnlyDictionary<string, string>> HashGetAllAsync(StoreKey key) => inner.HashGetAllAsync(key);

    public virtual Task<LogAppendResult> AppendToLogAsync(StoreKey log, string expectedLastHash, IReadOnlyList<LogAppend> entries) =>
        inner.AppendToLogAsync(log, expectedLastHash, entries);

    public virtual Task<LogEntry?> ReadLastLogEntryAsync(StoreKey log) => inner.ReadLastLogEntryAsync(log);

    public virtual Task<IReadOnlyList<LogEntry>> ReadLogAsync(StoreKey log, Instant from, Instant to, string? afterId, int count) => inner.ReadLogAsync(log, from, to, afterId, count);

    public virtual Task<long> CountAppendedToLogAsync(StoreKey log) => inner.CountAppendedToLogAsync(log);

    public virtual Task<SequenceAppendResult> AppendToSequenceAsync(StoreKey stream, string dedupeId, string payload) => inner.AppendToSequenceAsync(stream, dedupeId, payload);

    public virtual Task<IReadOnlyList<SequencedEntry>> ReadSequenceAsync(StoreKey stream, long afterSequence, int count) => inner.ReadSequenceAsync(stream, afterSequence, count);

    public virtual Task<long> LastSequenceAsync(StoreKey stream) => inner.LastSequenceAsync(stream);

    public virtual Task<bool> CommitAsync(IReadOnlyList<StoreCondition> conditions, IReadOnlyList<StoreWrite> writes) => inner.CommitAsync(conditions, writes);

    public virtual Task<IReadOnlyList<string?>> GetManyAsync(IReadOnlyList<StoreKey> keys) => inner.GetManyAsync(keys);

    public virtual Task<IReadOnlyList<string>> ListHeadAsync(StoreKey key, int count) => inner.ListHeadAsync(key, count);

    public virtual Task<IReadOnlyList<string>> ListRangeAsync(StoreKey key, long start, int count) => inner.ListRangeAsync(key, start, count);

    public virtual Task<bool> ListRemoveHeadAsync(StoreKey key, IReadOnlyList<string> head) => inner.ListRemoveHeadAsync(key, head);

    public virtual Task<long> ListLengthAsync(StoreKey key) => inner.ListLengthAsync(key);

    public virtual Task<bool> AcquireLeaseAsync(StoreKey key, string owner, Duration ttl) => inner.AcquireLeaseAsync(key, owner, ttl);

    public virtual Task<bool> ReleaseLeaseAsync(StoreKey key, string owner) => inner.ReleaseLeaseAsync(key, owner);

    public virtual Task<OnceClaim> ClaimOnceAsync(StoreKey done, string owner, Duration lease, StoreKey? alsoRead = null) => inner.ClaimOnceAsync(done, owner, lease, alsoRead);

    public virtual Task<IReadOnlyList<OnceClaim>> ClaimManyOnceAsync(IReadOnlyList<OnceRequest> requests, string owner, Duration lease) => inner.ClaimManyOnceAsync(requests, owner, lease);

    public virtual Task<bool> CompleteOnceAsync(StoreKey done, string result, Duration remember, IReadOnlyList<StoreCondition>? conditions = null, IReadOnlyList<StoreWrite>? alsoWrite = null) =>
        inner.CompleteOnceAsync(done, result, remember, conditions, alsoWrite);

    public virtual Task<IReadOnlyList<bool>> CompleteManyOnceAsync(IReadOnlyList<OnceCompletion> completions) => inner.CompleteManyOnceAsync(completions);

    public virtual Task ReleaseOnceAsync(StoreKey done, string owner) => inner.ReleaseOnceAsync(done, owner);

    public virtual Task<IReadOnlyList<string>> DueAsync(StoreKey schedule, Instant upTo, int count) => inner.DueAsync(schedule, upTo, count);

    public virtual Task PublishAsync(string channel, string message) => inner.PublishAsync(channel, message);

    public virtual Task SubscribeAsync(string channel, Action<string> handler) => inner.SubscribeAsync(channel, handler);
}
