using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Warnings.Core.Json;
using Warnings.Core.Storage;
using Warnings.Core.Telemetry;

namespace Warnings.Core.Commands;

/// <summary>
/// Publishes the outbox to the bus, in order per aggregate (<see cref="OutboxOrder"/>), one relay at a time across all instances (a short
/// lease in the store, renewed for as long as it is held, so a dead relay's successor starts within seconds).
/// Each event keeps the message id it was given at commit, so if the relay dies after publishing but
/// before removing the entry, the re-publish carries the same id and idempotent consumers drop it.
/// With RabbitMQ, publishing waits for the broker's confirm before the entry is removed; a publish
/// that does not finish within <see cref="OutboxOptions.PublishTimeout"/> (the broker is away) is
/// logged and retried, never waited on forever.
/// </summary>
public sealed class OutboxRelay(IStateStore store, IBus bus, IClock clock, IOptions<OutboxOptions> options, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    private readonly RelayLease _lease = new(store, clock, Duration.FromTimeSpan(options.Value.LeaseTime));
    private readonly SemaphoreSlim _nudged = new(0, 1);
    private readonly SemaphoreSlim _leaseFreed = new(0, 1);
    private bool _holding;
    private long _lastWorked;
    private long _published;

    /// <summary>How many events this relay has published (for tests and diagnostics).</summary>
    public long Published => Interlocked.Read(ref _published);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RelayEnabled)
        {
            logger.LogInformation("Outbox relay disabled on this instance");
            return;
        }

        bool subscribed = false;
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!subscribed)
                {
                    await store.SubscribeAsync(Outbox.NudgeChannel, _ => Wake(_nudged));
                    await store.SubscribeAsync(Outbox.LeaseFreedChannel, _ => Wake(_leaseFreed));
                    subscribed = true;
                }

                if (await _lease.AcquireAsync())
                {
                    if (!_holding)
                    {
                        _holding = true;
                        _lastWorked = Stopwatch.GetTimestamp(); // a new holder gets the whole YieldAfter
                    }

                    await RelayWhileHoldingLeaseAsync(stoppingToken);
                }

                _holding = false;
                backoff = TimeSpan.Zero;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                if (_holding && Stopwatch.GetElapsedTime(_lastWorked) >= options.Value.YieldAfter && await YieldLeaseAsync() is { } freed)
                {
                    // Not freed: this instance was paused or cut off past the lease, which lapsed or
                    // went to another instance meanwhile; saying "freed" then sent readers of the log
                    // looking for a hand-over that never happened.
                    logger.LogWarning(
                        freed
                            ? "Outbox relay has not published for {Seconds:0} s ({Error}); its lease is freed for another instance"
                            : "Outbox relay has not published for {Seconds:0} s ({Error}); its lease had already lapsed or passed to another instance",
                        options.Value.YieldAfter.TotalSeconds,
                        e.Message);
                    await Task.Delay(options.Value.LeaseTime * 2 / 3, stoppingToken); // the others ask every third of it, and were told
                    continue;
                }

                // Short and capped: the store or broker coming back should see the backlog move within a second.
                backoff = TimeSpan.FromMilliseconds(Math.Clamp(backoff.TotalMilliseconds * 2, 100, MaxBackoff.TotalMilliseconds));
                logger.LogWarning("Outbox relay could not publish ({Error}); retrying in {Backoff}. Nothing is lost: entries stay until published.", e.Message, backoff);
                await Task.Delay(backoff, stoppingToken);
                continue; // straight back to work: the backlog is still there
            }

            // Another instance relays. Every commit nudges every instance; asking for the lease at each
            // would cost the store a step per commit per instance. A holder that stops says so; one
            // that died lets its lease expire, and asking every third of the lease finds it free then.
            await _leaseFreed.WaitAsync(options.Value.LeaseTime / 3, stoppingToken);
        }
    }

    // A failed drain has ended (its publishes finished, failed or were given up on, and the head
    // that went out is trimmed), so freeing the lease cannot put two relays on the outbox head at
    // once. A publish given up on may still reach the broker later: the next relay's copy carries
    // the same message id, which consumers drop.
    //
    // True when this instance gave the lease up, false when it no longer held it, null when the
    // store is away too (nobody can take the lease over now).
    private async Task<bool?> YieldLeaseAsync()
    {
        bool freed;
        try
        {
            freed = await _lease.ReleaseAsync();
        }
        catch (Exception)
        {
            return null;
        }

        _holding = false;
        if (!freed)
        {
            return false; // nothing to announce: whoever holds it now took it without being told
        }

        try
        {
            await store.PublishAsync(Outbox.LeaseFreedChannel, _lease.Owner);
        }
        catch (Exception)
        {
            // Unsaid, the others still find the lease free within a third of it.
        }

        return true;
    }

    // At most one wake-up waits: nudges during a drain ask for one more pass, not one pass each.
    private static void Wake(SemaphoreSlim waiting)
    {
        try
        {
            if (waiting.CurrentCount == 0)
            {
                waiting.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Two nudges raced to the one wake-up: it is there.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { IsCompleted: false })
        {
            // Shutdown's time ran out with a drain still under way: freeing the lease now could let
            // another relay trim the outbox head beside it. It expires by itself.
            logger.LogWarning("Outbox relay still draining at shutdown; its lease is left to expire");
            return;
        }

        try
        {
            // _holding is read after the relay's loop ended: it held the lease when it stopped, and
            // still did if the release found it its own (not after a pause that let another take it).
            if (await _lease.ReleaseAsync() && _holding)
            {
                await store.PublishAsync(Outbox.LeaseFreedChannel, _lease.Owner);
            }
        }
        catch (Exception e)
        {
            // The lease expires by itself; another relay takes over then.
            logger.LogWarning(e, "Could not release the outbox relay lease");
        }
    }

    // Drains, waits for a nudge (or the poll interval), drains again, for as long as it holds the
    // lease, which it renews every third of its time; if the lease is lost (another relay took it
    // after a pause longer than the lease), relaying stops so two relays do not publish side by side.
    private async Task RelayWhileHoldingLeaseAsync(CancellationToken stoppingToken)
    {
        using var draining = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewal = _lease.RenewWhileHeldAsync(draining);
        try
        {
            while (true)
            {
                var drained = await DrainAsync(draining.Token);
                if (drained == DrainEnd.LeaseRefused || (drained == DrainEnd.HeadChanged && !await _lease.AcquireAsync()))
                {
                    await draining.CancelAsync(); // another relay holds the lease: stop now, not at the next renewal
                }

                await _nudged.WaitAsync(options.Value.PollInterval, draining.Token);
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested && draining.IsCancellationRequested)
        {
            logger.LogWarning("Outbox relay lost its lease; another instance relays now");
        }
        finally
        {
            await draining.CancelAsync();
            await renewal;
        }
    }

    private enum DrainEnd
    {
        /// <summary>The outbox is empty, or draining was cancelled.</summary>
        Drained,

        /// <summary>The head this relay published had changed under it (another relay removed it): it may have lost its lease.</summary>
        HeadChanged,

        /// <summary>Its lease, unconfirmed for too long, was asked for again before a batch and refused.</summary>
        LeaseRefused,
    }

    private async Task<DrainEnd> DrainAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (_lease.MayHaveLapsed && !await _lease.AcquireAsync())
            {
                logger.LogWarning("The outbox relay's lease went unconfirmed for more than half its time and another relay holds it now; this one stops relaying until it holds the lease again");
                return DrainEnd.LeaseRefused;
            }

            var batch = await store.ListHeadAsync(Outbox.Pending, BatchSize);
            PlatformTelemetry.RecordOutboxBacklog(batch.Count < BatchSize ? batch.Count : await store.ListLengthAsync(Outbox.Pending));
            if (batch.Count == 0)
            {
                _lastWorked = Stopwatch.GetTimestamp();
                return DrainEnd.Drained;
            }

            var entries = batch.Select(json => (Json: json, Entry: JsonSerializer.Deserialize<OutboxMessage>(json, PlatformJson.Options)!)).ToList();
            var published = new bool[entries.Count];
            bool removed = true;
            try
            {
                // Pipelined: each aggregate's events go out one after another in outbox order, and
                // the aggregates of a batch side by side, so their confirms overlap instead of
                // queueing one round trip each behind the whole platform's backlog.
                await Task.WhenAll(OutboxOrder.Sequences(entries.Select(e => e.Entry.Payload).ToList(), entries.Select(e => e.Entry.MessageType).ToList())
                    .Select(async sequence =>
                    {
                        foreach (int i in sequence)
                        {
                            await PublishAsync(entries[i].Json, entries[i].Entry, cancellationToken);
                            published[i] = true;
                        }
                    }));
                _lastWorked = Stopwatch.GetTimestamp(); // a whole batch went out: this relay works
            }
            finally
            {
                // Remove exactly the head that reached the bus, so a failure mid-batch does not
                // publish it twice; the rest stays, in order, for the retry (an entry past a failed
                // one that did go out goes out again with its message id, which consumers drop).
                // Only if the outbox still starts with it: a relay that lost its lease while it
                // published (paused, or cut off from the store) may find that the next holder relayed
                // and removed the same entries, and a removal by count would then take entries
                // nobody had published.
                int head = Array.IndexOf(published, false) is var firstMissing and >= 0 ? firstMissing : published.Length;
                if (head > 0)
                {
                    removed = await store.ListRemoveHeadAsync(Outbox.Pending, batch.Take(head).ToList());
                }
            }

            if (!removed)
            {
                logger.LogWarning("The outbox head changed under this relay (another relay removed it); it removes nothing and checks its lease");
                return DrainEnd.HeadChanged;
            }
        }

        return DrainEnd.Drained;
    }

    private async Task PublishAsync(string json, OutboxMessage entry, CancellationToken cancellationToken)
    {
        var type = OutboxOrder.TypeOf(entry.MessageType);
        if (type is null)
        {
            // Unknown to this build (e.g. an older relay during a rolling upgrade): park it, never drop it.
            // Once per message id: a relay that parked it and died before removing it, or two relays
            // beside each other for a moment, would otherwise park it again. An entry without an id
            // (never written so by this platform) is parked every time rather than share one marker.
            var parked = Outbox.ParkedMarker(entry.MessageId);
            if (entry.MessageId == Guid.Empty)
            {
                await store.CommitAsync([], [StoreWrite.Append(Outbox.Dead, json)]);
            }
            else if (!await store.CommitAsync([new StoreCondition(parked, null)], [new StoreWrite(parked, entry.MessageType), StoreWrite.Append(Outbox.Dead, json)]))
            {
                logger.LogWarning("Outbox entry {MessageId} of unknown type {Type} was parked in outbox:dead before; not parked again", entry.MessageId, entry.MessageType);
                return;
            }

            logger.LogError("Outbox entry {MessageId} has unknown type {Type}; moved to outbox:dead", entry.MessageId, entry.MessageType);
            return;
        }

        var message = JsonSerializer.Deserialize(entry.Payload, type, PlatformJson.Options)!;
        // The publish belongs to the trace of the call that committed the event, not to the relay's loop.
        using var activity = PlatformTelemetry.Source.StartActivity($"outbox publish {type.Name}", ActivityKind.Producer,
            entry.TraceParent is { } parent && ActivityContext.TryParse(parent, null, out var context) ? context : default);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PublishTimeout);
        try
        {
            // WaitAsync as well: a publish waiting for a broker connection has been seen to ignore its token.
            await bus.Publish(message, type, publish => publish.MessageId = entry.MessageId, timeout.Token).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Publishing {type.Name} {entry.MessageId} to the bus took longer than {options.Value.PublishTimeout.TotalSeconds:0.#} s");
        }

        Interlocked.Increment(ref _published);
        PlatformTelemetry.OutboxPublished.Add(1);
        PlatformTelemetry.RecordOutboxAge(clock.GetCurrentInstant() - entry.EnqueuedAt);
    }
}
