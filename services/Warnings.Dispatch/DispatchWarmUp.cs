using System.Text.Json;
using MassTransit.Serialization;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Core.Hosting;
using Warnings.Dispatch.Rendering;

namespace Warnings.Dispatch;

/// <summary>
/// Dispatch's hot path short of the bus and the gateways: the event as the bus (de)serialises it, every
/// channel's rendering, and each HTTP gateway's calls, made with the channel's own clients (the fan-out's
/// single try side by side, and the channel queue's with retries) to a loopback listener of the warm-up's
/// own instead of the gateway (<see cref="LoopbackHttpSink"/>): the first warnings after a start no longer
/// compile the HTTP client's path, the signing and the body's JSON while the calls behind them wait.
/// </summary>
public sealed class DispatchWarmUp(GatewayDirectory gateways, CellAreas cellAreas, IClock clock) : IWarmUpStep
{
    public string Name => "dispatch";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var names = Channels.Names;
        var published = new WarningPublished(WarmUpSample.Warning(clock.GetCurrentInstant(), names));
        var received = JsonSerializer.Deserialize<WarningPublished>(JsonSerializer.Serialize(published, SystemTextJsonMessageSerializer.Options), SystemTextJsonMessageSerializer.Options)!;
        var rendered = names.ToDictionary(channel => channel, channel => ChannelRenderer.Render(channel, received.Version, "", cellAreas.ByDistrict));
        var http = names.Where(gateways.IsHttp).ToList();
        if (http.Count == 0)
        {
            return;
        }

        await using var sink = new LoopbackHttpSink();
        foreach (bool withRetries in new[] { false, true })
        {
            await Task.WhenAll(http.Select(channel =>
                gateways.Rehearsal(channel, withRetries, sink.Url).DeliverAsync(rendered[channel], ChannelDeliverer.KeyOf(received.Version, channel), cancellationToken)));
        }
    }
}
