using Google.Protobuf;
using NodaTime;
using Warnings.Contracts.Delivery;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Concurrency;
using Warnings.Core.Storage;

namespace Warnings.Dispatch;

/// <summary>
/// Writes each channel's <see cref="DeliveryRecords"/> as dispatch works through a delivery: attempting
/// (a retry), failed (with the error, while the bus retries) and delivered. Writes may race (a copy of
/// the message, a late failure): each is a conditional commit on the record it read, and the rules of
/// <see cref="Merge"/> make the order not matter: delivered stays delivered, attempts only grow.
/// </summary>
public sealed class DeliveryRecorder
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);
    private const int MaxConflicts = 20;

    private readonly IStateStore _store;

    // The channels of a warning finish at about the same moment, and so do those of warnings issued
    // together: their completions go to the store in one step, and the nudges waiting at one moment
    // go once per warning instead of once per channel.
    private readonly GroupCommit<OnceCompletion, bool> _completions;
    private readonly GroupCommit<string, bool> _nudges;

    public DeliveryRecorder(IStateStore store)
    {
        _store = store;
        // A step the store refused is taken again one completion at a time (see GroupCommit): one that
        // cannot land fails its own delivery only; those that landed before the error find their
        // record changed and merge again.
        _completions = new(store.CompleteManyOnceAsync, OnceCompletion.MaxPerStep, async completion => (await store.CompleteManyOnceAsync([completion]))[0]);
        _nudges = new(NudgeOnceEachAsync, maxBatch: 256);
    }

    public static StoreKey Key(string warningId, int version, string channel) => new(DeliveryRecords.Area, DeliveryRecords.Id(warningId, version, channel));

    /// <summary>The record after <paramref name="step"/> ("attempting", "failed" or "delivered"), from the one stored before (null: none).</summary>
    public static ChannelDelivery Merge(ChannelDelivery? before, string channel, string step, int attempt, Instant at, string? error = null)
    {
        var record = before?.Clone() ?? DeliveryRecords.Pending(channel);
        record.Attempts = Math.Max(record.Attempts, attempt);
        if (record.Status != "delivered")
        {
            record.Status = step;
        }

        if (error is not null)
        {
            record.LastError = error;
        }

        if (record.UpdatedAt is null || record.UpdatedAt.ToInstant() < at)
        {
            record.UpdatedAt = at.ToTimestamp();
        }

        return record;
    }

    /// <summary>
    /// Records a retry or a failure; a record that keeps changing under it is an error the bus retries.
    /// Answers the record as written (the next step's <c>seen</c>).
    /// </summary>
    public Task<Seen> RecordAsync(string warningId, int version, string channel, string step, int attempt, Instant at, string? error = null, Seen? seen = null) =>
        MergeAsync(warningId, version, channel, step, attempt, at, error, seen, (conditions, writes) => _store.CommitAsync(conditions, writes));

    /// <summary>
    /// Marks <paramref name="done"/> (the claim's key) delivered and records it, in one store step, so a
    /// crash can leave neither without the other. <paramref name="seen"/>: the record as last read or
    /// written by this delivery (the claim reads it, <see cref="Key"/>), saving a read when still current.
    /// </summary>
    public Task<Seen> RecordDeliveredAsync(StoreKey done, string warningId, int version, string channel, int attempt, Instant at, Duration remember, Seen? seen = null) =>
        MergeAsync(warningId, version, channel, "delivered", attempt, at, null, seen,
            (conditions, writes) => _completions.CommitAsync(new OnceCompletion(done, at.ToString(), remember, conditions, writes)));

    /// <summary>
    /// A delivery record's stored JSON as this delivery last saw it (<c>Seen(null)</c>: there was none;
    /// no <c>Seen</c> at all: not known, read it). Only ever the condition of a write: a stale one makes
    /// the write fail and the record be read again, so it can cost a round trip, never an update.
    /// </summary>
    public sealed record Seen(string? Json);

    // Merge into the record as seen (read it when not told), and commit on the condition that it is
    // still so; on a conflict read it again.
    private async Task<Seen> MergeAsync(string warningId, int version, string channel, string step, int attempt, Instant at, string? error, Seen? seen,
        Func<IReadOnlyList<StoreCondition>, IReadOnlyList<StoreWrite>, Task<bool>> commit)
    {
        var key = Key(warningId, version, channel);
        for (int conflict = 0; conflict < MaxConflicts; conflict++)
        {
            string? before = conflict == 0 && seen is not null ? seen.Json : await _store.GetAsync(key);
            string after = Json.Format(Merge(Parse(before), channel, step, attempt, at, error));
            if (await commit([new StoreCondition(key, before)], [new StoreWrite(key, after)]))
            {
                Nudge(warningId);
                return new Seen(after);
            }
        }

        throw new InvalidOperationException($"Delivery record {key} kept changing; the message will be retried.");
    }

    private static ChannelDelivery? Parse(string? json) => json is null ? null : ChannelDelivery.Parser.ParseJson(json);

    // Consoles showing the warning refresh on this; a lost nudge only delays them to their next poll,
    // so the delivery does not wait for it.
    private void Nudge(string warningId) =>
        _ = _nudges.CommitAsync(warningId).ContinueWith(sent => sent.Exception, TaskContinuationOptions.OnlyOnFaulted);

    private async Task<IReadOnlyList<bool>> NudgeOnceEachAsync(IReadOnlyList<string> warningIds)
    {
        foreach (string id in warningIds.Distinct())
        {
            try
            {
                await _store.PublishAsync(DeliveryRecords.NudgeChannel, id);
            }
            catch (Exception)
            {
                // A nudge is a hint, never the record: the next warning's still goes.
            }
        }

        return [.. warningIds.Select(_ => true)];
    }
}
