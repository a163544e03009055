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

/// <summary>Bound from the <c>Outbox</c> section.</summary>
public sealed class OutboxOptions
{
    /// <summary>Whether this instance relays (default true). Any instance may; a lease makes it one at a time.</summary>
    public bool RelayEnabled { get; set; } = true;

    /// <summary>How often the relay looks for work it was not nudged about.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Publishes the outbox to the bus, oldest first, one relay at a time across all instances (a lease
/// in the store). Each event keeps the message id it was given at commit, so if the relay dies after
/// publishing but before removing the entry, the re-publish carries the same id and idempotent
/// consumers drop it. With RabbitMQ, publishing waits for the broker's confirm before the entry is removed.
/// </summary>
public sealed class OutboxRelay(IStateStore store, IBus bus, IClock clock, IOptions<OutboxOptions> options, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly Duration LeaseTime = Duration.FromSeconds(30);

    private readonly string _owner = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly SemaphoreSlim _nudged = new(0);
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
                    await store.SubscribeAsync(Outbox.NudgeChannel, _ => _nudged.Release());
                    subscribed = true;
                }

                if (await store.AcquireLeaseAsync(Outbox.RelayLease, _owner, LeaseTime))
                {
                    await DrainAsync(stoppingToken);
                }

                backoff = TimeSpan.Zero;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                backoff = TimeSpan.FromMilliseconds(Math.Clamp(backoff.TotalMilliseconds * 2, 200, 10_000));
                logger.LogWarning(e, "Outbox relay failed; retrying in {Backoff}. Nothing is lost: entries stay until published.", backoff);
                await Task.Delay(backoff, stoppingToken);
            }

            await _nudged.WaitAsync(options.Value.PollInterval, stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await store.ReleaseLeaseAsync(Outbox.RelayLease, _owner);
        }
        catch (Exception e)
        {
            // The lease expires by itself; another relay takes over then.
            logger.LogWarning(e, "Could not release the outbox relay lease");
        }
    }

    private async Task DrainAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var batch = await store.ListHeadAsync(Outbox.Pending, BatchSize);
            PlatformTelemetry.RecordOutboxBacklog(batch.Count < BatchSize ? batch.Count : await store.ListLengthAsync(Outbox.Pending));
            if (batch.Count == 0)
            {
                return;
            }

            int published = 0;
            try
            {
                foreach (var json in batch)
                {
                    await PublishAsync(json, stoppingToken);
                    published++;
                }
            }
            finally
            {
                // Remove exactly what reached the bus, so a failure mid-batch does not publish the
                // batch's head twice; the rest stays, in order, for the retry.
                if (published > 0)
                {
                    await store.ListRemoveHeadAsync(Outbox.Pending, published);
                }
            }

            await store.AcquireLeaseAsync(Outbox.RelayLease, _owner, LeaseTime);
        }
    }

    private async Task PublishAsync(string json, CancellationToken cancellationToken)
    {
        var entry = JsonSerializer.Deserialize<OutboxMessage>(json, PlatformJson.Options)!;
        var type = Type.GetType(entry.MessageType, throwOnError: false);
        if (type is null)
        {
            // Unknown to this build (e.g. an older relay during a rolling upgrade): park it, never drop it.
            logger.LogError("Outbox entry {MessageId} has unknown type {Type}; moved to outbox:dead", entry.MessageId, entry.MessageType);
            await store.CommitAsync([], [StoreWrite.Append(Outbox.Dead, json)]);
            return;
        }

        var message = JsonSerializer.Deserialize(entry.Payload, type, PlatformJson.Options)!;
        // The publish belongs to the trace of the call that committed the event, not to the relay's loop.
        using var activity = PlatformTelemetry.Source.StartActivity($"outbox publish {type.Name}", ActivityKind.Producer,
            entry.TraceParent is { } parent && ActivityContext.TryParse(parent, null, out var context) ? context : default);
        await bus.Publish(message, type, publish => publish.MessageId = entry.MessageId, cancellationToken);
        Interlocked.Increment(ref _published);
        PlatformTelemetry.OutboxPublished.Add(1);
        PlatformTelemetry.RecordOutboxAge(clock.GetCurrentInstant() - entry.EnqueuedAt);
    }
}
