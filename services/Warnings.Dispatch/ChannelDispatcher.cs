using System.Text.Json;
using MassTransit;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Dispatch.Gateways;

namespace Warnings.Dispatch;

/// <summary>
/// One channel's own queue (<c>dispatch-{name}</c>): where <see cref="WarningFanOut"/> hands a
/// delivery that failed, was slow, or belongs to a channel in trouble, so that channel's retries
/// (the bus's retry policy, then the error queue and a dead letter) never hold up another channel.
/// The queue is bound to no event: it receives only what is sent to it (hand-offs and requeued dead
/// letters). The delivery itself, effectively once, is <see cref="ChannelDeliverer"/>'s.
/// </summary>
public sealed class ChannelDispatcher<TChannel>(ChannelDeliverer delivery) :
    IConsumer<WarningPublished>, IConsumer<WarningUpdated>, IConsumer<WarningLifted>, IConsumer<WarningExpired>
    where TChannel : IChannel
{
    public Task Consume(ConsumeContext<WarningPublished> context) => DeliverAsync(context, context.Message.Version, "");

    public Task Consume(ConsumeContext<WarningUpdated> context) => DeliverAsync(context, context.Message.Version, context.Message.Note);

    public Task Consume(ConsumeContext<WarningLifted> context) => DeliverAsync(context, context.Message.Version, context.Message.Reason);

    public Task Consume(ConsumeContext<WarningExpired> context) => DeliverAsync(context, context.Message.Version with { Kind = "Expired" }, "");

    private async Task DeliverAsync(ConsumeContext context, PublishedWarningVersion version, string note)
    {
        string channel = TChannel.Name;
        if (!ChannelDeliverer.Concerns(channel, version))
        {
            return;
        }

        int before = Math.Clamp(context.Headers.Get<int>(ChannelDeliverer.AttemptsBeforeHeader) ?? 0, 0, 1000);
        int attempt = before + context.GetRetryAttempt() + 1;
        if (await delivery.DeliveredLaterAsync(channel, version) is int later)
        {
            // Waiting here (retries), this version was overtaken: sending it now would undo the later one.
            await delivery.SupersedeAsync(channel, version, later, attempt);
            return;
        }

        var (outcome, error) = await delivery.DeliverAsync(channel, version, note, attempt, withRetries: true, context.CancellationToken);
        switch (outcome)
        {
            case DeliveryOutcome.InFlightElsewhere:
                // Another copy is at the gateway right now; try again once it has finished.
                throw new DeliveryInFlightException(ChannelDeliverer.KeyOf(version, channel));
            case DeliveryOutcome.Failed when ChannelUnavailableException.IsGatewayAway(error!):
                // The gateway is away (no connection, 5xx, timeouts, an open circuit): waited out like any
                // outage, on the scale of minutes (Bus:OutageRetry), not parked after the quick retries.
                throw new ChannelUnavailableException(channel, error!);
            case DeliveryOutcome.Failed:
                // The gateway refused this message (4xx) or it could not be rendered: the endpoint's quick
                // retries with the same key, then the error queue and a dead letter. The channel travels in the exception's data.
                throw new ChannelDeliveryException(channel, error!);
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

/// <summary>
/// A channel's gateway is away (transient: a <see cref="TimeoutException"/>, so the bus's outage retry
/// waits it out instead of parking the delivery after its quick retries). Carries the channel like
/// <see cref="ChannelDeliveryException"/>.
/// </summary>
public sealed class ChannelUnavailableException : TimeoutException
{
    public ChannelUnavailableException(string channel, Exception inner) : base($"[{channel}] {inner.Message}", inner) => Data[ChannelDeliveryException.ChannelKey] = channel;

    /// <summary>No connection, a 5xx, 408 or 429 answer, a timeout or an open circuit: the gateway's state, not the message's.</summary>
    public static bool IsGatewayAway(Exception error) => error switch
    {
        HttpRequestException { StatusCode: null } => true,
        HttpRequestException { StatusCode: { } status } => (int)status >= 500 || status is System.Net.HttpStatusCode.RequestTimeout or System.Net.HttpStatusCode.TooManyRequests,
        TimeoutException or TaskCanceledException => true,
        Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException => true,
        _ => false,
    };
}

/// <summary>The district-to-cell-area mapping, as data (<c>infra/dispatch/cell-areas.json</c>).</summary>
public sealed class CellAreas(DispatchOptions options)
{
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ByDistrict { get; } = File.Exists(options.CellAreasPath)
        ? JsonDocument.Parse(File.ReadAllText(options.CellAreasPath)).RootElement.GetProperty("areas").EnumerateObject()
            .ToDictionary(p => p.Name, p => (IReadOnlyList<string>)p.Value.EnumerateArray().Select(a => a.GetString()!).ToList())
        : new Dictionary<string, IReadOnlyList<string>>();
}

/// <summary>
/// Each channel's gateway: HTTP when configured, else the logging gateway. With retries: the channel
/// queue's client (timeouts, jittered retries, circuit breaker); without: the fan-out's single try,
/// which hands any failure to the channel's queue at once instead of retrying while other channels wait.
/// </summary>
public sealed class GatewayDirectory(DispatchOptions options, IHttpClientFactory clients, LoggingGateway logging, IClock clock)
{
    public static string ClientName(string channel, bool withRetries) => withRetries ? $"gateway-{channel}" : $"gateway-{channel}-single-try";

    /// <summary>Whether <paramref name="channel"/> goes to an HTTP gateway (else to the log).</summary>
    public bool IsHttp(string channel) => options.Gateways.TryGetValue(channel, out var gateway) && !string.IsNullOrWhiteSpace(gateway.Url);

    /// <summary>
    /// The fan-out's single-try client of <paramref name="channel"/> with the gateway's code, sending to
    /// <paramref name="sink"/> instead, signed with a key of no gateway's: a warm-up's.
    /// </summary>
    public IChannelGateway Rehearsal(string channel, Uri sink) =>
        new HttpGateway(clients.CreateClient(ClientName(channel, withRetries: false)), sink, RehearsalSecret, clock);

    private static readonly byte[] RehearsalSecret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public IChannelGateway For(string channel, bool withRetries = true) =>
        IsHttp(channel) && options.Gateways[channel] is { Url: { } url, Secret: var secret }
            ? new HttpGateway(clients.CreateClient(ClientName(channel, withRetries)), new Uri(url), Warnings.Core.Http.WebhookSignature.SecretBytes(secret), clock)
            : logging;
}
