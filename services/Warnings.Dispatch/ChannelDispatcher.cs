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
/// only on versions whose approved channels include it. The idempotency key is the warning, version
/// and channel, the same on every redelivery; once the gateway accepted it, a redelivery is dropped
/// (<c>delivered:{key}</c> in the store) instead of calling the gateway again. Each outcome, and each
/// retry, goes on the bus as a receipt.
/// </summary>
public sealed class ChannelDispatcher<TChannel>(GatewayDirectory gateways, CellAreas cellAreas, IStateStore store, IClock clock, ILogger<ChannelDispatcher<TChannel>> logger) :
    IConsumer<WarningPublished>, IConsumer<WarningUpdated>, IConsumer<WarningLifted>, IConsumer<WarningExpired>
    where TChannel : IChannel
{
    private static readonly Duration RememberDeliveries = Duration.FromDays(30);

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
        if (await store.GetAsync(delivered) is not null)
        {
            logger.LogInformation("{Key} already delivered; redelivery dropped", key);
            return;
        }

        int attempt = context.GetRetryAttempt() + 1;
        if (attempt > 1)
        {
            // A first attempt is announced by its outcome; a retry says it is trying again. One
            // message fewer per channel and version on the busiest path (a third of the receipts).
            await context.Publish(new DeliveryAttempted(version.WarningId, version.Version, channel, attempt, key, clock.GetCurrentInstant()));
        }
        try
        {
            var message = ChannelRenderer.Render(channel, version, note, cellAreas.ByDistrict);
            await gateways.For(channel).DeliverAsync(message, key, context.CancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            PlatformTelemetry.Deliveries.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", "failed"));
            await context.Publish(new DeliveryFailed(version.WarningId, version.Version, channel, attempt, e.Message, WillRetry: true, clock.GetCurrentInstant()));
            // The endpoint's retry policy tries again with the same key; after it, the error queue and
            // a Fault that DeadLetters records. The channel travels in the exception's data.
            throw new ChannelDeliveryException(channel, e);
        }

        await store.SetAsync(delivered, clock.GetCurrentInstant().ToString(), RememberDeliveries);
        PlatformTelemetry.Deliveries.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", "delivered"));
        await context.Publish(new DeliverySucceeded(version.WarningId, version.Version, channel, attempt, key, clock.GetCurrentInstant()));
    }
}

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
public sealed class GatewayDirectory(DispatchOptions options, IHttpClientFactory clients, LoggingGateway logging)
{
    public IChannelGateway For(string channel) =>
        options.Gateways.TryGetValue(channel, out var gateway) && !string.IsNullOrWhiteSpace(gateway.Url)
            ? new HttpGateway(clients.CreateClient($"gateway-{channel}"), new Uri(gateway.Url), Warnings.Core.Http.WebhookSignature.SecretBytes(gateway.Secret))
            : logging;
}
