using System.Text.Json;
using MassTransit.Serialization;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Core.Hosting;
using Warnings.Dispatch.Rendering;

namespace Warnings.Dispatch;

/// <summary>
/// Dispatch's hot path short of the bus and the gateways: the event as the bus (de)serialises it, every
/// channel's rendering, and each HTTP gateway's call as the fan-out makes it (the channel's own
/// single-try client, its connection pool, the signature, the JSON body) sent to a loopback listener
/// of the warm-up's own (<see cref="LoopbackHttpSink"/>) instead of the gateway, twice (a new
/// connection, then a kept-alive one). Without it the first warnings after a start compiled that
/// path while the calls behind them waited. The channel queue's client (with retries and a circuit
/// breaker) is only built: its breaker must count only the gateway's answers.
/// </summary>
public sealed class DispatchWarmUp(GatewayDirectory gateways, CellAreas cellAreas, IClock clock) : IWarmUpStep
{
    public string Name => "dispatch";

    /// <summary>Requests the last round's listener answered (for tests: the HTTP path did run).</summary>
    public int LastRoundRequests { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var names = Channels.Names;
        var published = new WarningPublished(WarmUpSample.Warning(clock.GetCurrentInstant(), names));
        var received = JsonSerializer.Deserialize<WarningPublished>(JsonSerializer.Serialize(published, SystemTextJsonMessageSerializer.Options), SystemTextJsonMessageSerializer.Options)!;
        var rendered = names.ToDictionary(channel => channel, channel => ChannelRenderer.Render(channel, received.Version, "", cellAreas.ByDistrict));
        foreach (string channel in names)
        {
            gateways.For(channel); // the channel queue's client and its resilience pipeline built, no call made
        }

        var http = names.Where(gateways.IsHttp).ToList();
        if (http.Count == 0)
        {
            return;
        }

        await using var sink = new LoopbackHttpSink();
        for (int call = 0; call < 2; call++)
        {
            await Task.WhenAll(http.Select(channel =>
                gateways.Rehearsal(channel, sink.Url).DeliverAsync(rendered[channel], ChannelDeliverer.KeyOf(received.Version, channel), cancellationToken)));
        }

        LastRoundRequests = sink.Requests;
    }
}
