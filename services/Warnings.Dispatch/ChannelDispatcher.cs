using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Core.Storage;
using Warnings.Core.Telemetry;
using Warnings.Dispatch.Gateways;
using Warnings.Dispatch.Rendering;

namespace Warnings.Dispatch;

/// <summary>
/// One channel's consumer, on its own queue, so a broken channel only ever holds up itself. Acts
/// only on versions whose approved channels include it. Each (warning, version, channel) reaches the
/// gateway effectively once, across redeliveries, concurrent copies, crashes and store outages:
/// <list type="number">
/// <item>the key is claimed atomically before the call (<see cref="IStateStore.ClaimOnceAsync"/>): a
/// key already delivered is dropped (its receipt sent again, in case the first was lost), and a key
/// another copy is delivering right now is retried later, when it is delivered;</item>
/// <item>the gateway is called with the key as <c>Idempotency-Key</c>;</item>
/// <item>success is recorded (and the claim dropped) with retries until it lands, so a store outage
/// after the call does not lead to a second call.</item>
/// </list>
/// Only a process killed between the call and the record leaves the outcome unknown: the claim
/// expires and the call is made again with the same <c>Idempotency-Key</c>, which the gateway must
/// honour. Each outcome, and each retry, is written to the channel's delivery record
/// (<see cref="DeliveryRecorder"/>); the success in the same store step that marks the key delivered.
/// </summary>
public sealed class ChannelDispatcher<TChannel>(GatewayDirectory gateways, CellAreas cellAreas, IStateStore store, DeliveryRecorder records, IClock clock, ILogger<ChannelDispatcher<TChannel>> logger) :
    IConsumer<WarningPublished>, IConsumer<WarningUpdated>, IConsumer<WarningLifted>, IConsumer<WarningExpired>
    where TChannel : IChannel
{
    private static readonly Duration RememberDeliveries = Duration.FromDays(30);

    // Longer than one delivery attempt can take (the gateway client's total timeout is 20 s), so a
    // live claim is never taken over; a dead process's claim frees the key after this.
    private static readonly Duration ClaimLease = Duration.FromSeconds(30);

    // How long a recorded success is retried against a store that is away before giving up (the
    // claim then expires and the unknown outcome is retried with the same Idempotency-Key).
    private static readonly Duration RecordFor = Duration.FromMinutes(10);

    // Channels that show a warning until it ends take it down at expiry; broadcast channels do not announce expiry.
    private static readonly HashSet<string> ShowUntilEnd = ["website", "app_push", "social_media", "outdoor_screen"];

    public Task Consume(ConsumeContext<WarningPublished> context) => DeliverAsync(context, context.Message.Version, "");

    public Task Consume(ConsumeContext<WarningUpdated> context) => DeliverAsync(context, context.Message.Version, context.Message.Note);

    public Task Consume(ConsumeContext<WarningLifted> context) => DeliverAsync(context, context.Message.Version, context.Message.Reason);

    public Task Consume(ConsumeContext<WarningExpired> context) =>
        ShowUntilEnd.Contains(TChannel.Name) ? DeliverAsync(context, context.Message.Version with { Kind = "Expired" }, "") : Task.CompletedTask;

    private async Task DeliverAsync(ConsumeContext context, PublishedWarningVersion version, string note)
    {
        string channel = TChannel.Name;
        if (!version.Channels.Contains(channel))
        {
            return;
        }

        string key = $"{version.WarningId}:v{version.Version}:{channel}{(version.Kind == "Expired" ? ":expired" : "")}";
        var delivered = new StoreKey("delivered", key);
        int attempt = context.GetRetryAttempt() + 1;
        string owner = $"{Environment.ProcessId}:{Guid.NewGuid():N}";
        // The claim reads the delivery record too: the success is then recorded without reading it again.
        var claim = await store.ClaimOnceAsync(delivered, owner, ClaimLease, DeliveryRecorder.Key(version.WarningId, version.Version, channel));
        if (claim.Outcome == OnceOutcome.Done)
        {
            // Its record was written with the mark, in the same step: nothing is left to say.
            logger.LogInformation("{Key} already delivered; redelivery dropped", key);
            return;
        }

        if (claim.Outcome == OnceOutcome.HeldElsewhere)
        {
            // Another copy of this message is at the gateway right now; try again once it has finished.
            throw new DeliveryInFlightException(key);
        }

        var seen = new DeliveryRecorder.Seen(claim.AlsoRead);
        if (attempt > 1)
        {
            // A first attempt is recorded by its outcome; a retry says it is trying again.
            seen = await records.RecordAsync(version.WarningId, version.Version, channel, "attempting", attempt, clock.GetCurrentInstant(), seen: seen);
        }

        try
        {
            var message = ChannelRenderer.Render(channel, version, note, cellAreas.ByDistrict);
            await gateways.For(channel).DeliverAsync(message, key, context.CancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            PlatformTelemetry.Deliveries.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", "failed"));
            await RecordFailureAsync(version, channel, attempt, e.Message);
            await ReleaseAsync(delivered, owner);
            // The endpoint's retry policy tries again with the same key; after it, the error queue and
            // a dead letter. The channel travels in the exception's data.
            throw new ChannelDeliveryException(channel, e);
        }

        await RecordDeliveredAsync(delivered, version, channel, attempt, seen);
        PlatformTelemetry.Deliveries.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", "delivered"));
    }

    // Written while the claim is still held, so no copy can deliver and record in between and be
    // overwritten; the merge rules would keep "delivered" anyway. A store that is away loses only the
    // error text: the bus retries the delivery all the same.
    private async Task RecordFailureAsync(PublishedWarningVersion version, string channel, int attempt, string error)
    {
        try
        {
            await records.RecordAsync(version.WarningId, version.Version, channel, "failed", attempt, clock.GetCurrentInstant(), error);
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not record the failed delivery of {WarningId} v{Version} on {Channel} ({Error})", version.WarningId, version.Version, channel, e.Message);
        }
    }

    // The gateway accepted: this must land, or a redelivery would call the gateway again. Retried
    // through a store outage (not cut short by shutdown: the outcome is known only here).
    private async Task RecordDeliveredAsync(StoreKey delivered, PublishedWarningVersion version, string channel, int attempt, DeliveryRecorder.Seen? seen)
    {
        var until = clock.GetCurrentInstant() + RecordFor;
        var wait = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await records.RecordDeliveredAsync(delivered, version.WarningId, version.Version, channel, attempt, clock.GetCurrentInstant(), RememberDeliveries, seen);
                return;
            }
            catch (Exception e) when (clock.GetCurrentInstant() < until)
            {
                // The failed step may have landed: read the record again rather than trust the claim's copy.
                seen = null;
                logger.LogWarning("Could not record {Key} as delivered ({Error}); retrying in {Wait}", delivered.Id, e.Message, wait);
                await Task.Delay(wait);
                wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 2000));
            }
        }
    }

    private async Task ReleaseAsync(StoreKey delivered, string owner)
    {
        try
        {
            await store.ReleaseOnceAsync(delivered, owner);
        }
        catch (Exception e)
        {
            // The claim expires by itself; the retry waits for it.
            logger.LogWarning("Could not release the claim on {Key} ({Error})", delivered.Id, e.Message);
        }
    }
}

/// <summary>Another copy of the same delivery is at the gateway right now; retried like an outage, then dropped once it is delivered.</summary>
public sealed class DeliveryInFlightException(string key) : TimeoutException($"{key} is being delivered by another consumer right now");

/// <summary>A channel's gateway failed; carries the channel so the fault can be traced back to its queue.</summary>
public sealed class ChannelDeliveryException : Exception
{
    public const string ChannelKey = "channel";

    public ChannelDeliveryException(string channel, Exception inner) : base($"[{channel}] {inner.Message}", inner) => Data[ChannelKey] = channel;
}

/// <summary>The district-to-cell-area mapping, as data (<c>infra/dispatch/cell-areas.json</c>).</summary>
public sealed class CellAreas(DispatchOptions options)
{
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ByDistrict { get; } = File.Exists(options.CellAreasPath)
        ? JsonDocument.Parse(File.ReadAllText(options.CellAreasPath)).RootElement.GetProperty("areas").EnumerateObject()
            .ToDictionary(p => p.Name, p => (IReadOnlyList<string>)p.Value.EnumerateArray().Select(a => a.GetString()!).ToList())
        : new Dictionary<string, IReadOnlyList<string>>();
}

/// <summary>Each channel's gateway: HTTP when configured, else the logging gateway.</summary>
public sealed class GatewayDirectory(DispatchOptions options, IHttpClientFactory clients, LoggingGateway logging, IClock clock)
{
    public IChannelGateway For(string channel) =>
        options.Gateways.TryGetValue(channel, out var gateway) && !string.IsNullOrWhiteSpace(gateway.Url)
            ? new HttpGateway(clients.CreateClient($"gateway-{channel}"), new Uri(gateway.Url), Warnings.Core.Http.WebhookSignature.SecretBytes(gateway.Secret), clock)
            : logging;
}
