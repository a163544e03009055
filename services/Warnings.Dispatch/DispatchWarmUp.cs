using System.Text.Json;
using MassTransit.Serialization;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Core.Hosting;
using Warnings.Dispatch.Rendering;

namespace Warnings.Dispatch;

/// <summary>
/// Dispatch's hot path short of the bus and the gateways: the event as the bus (de)serialises it, every
/// channel's rendering, each channel's gateway client and its resilience pipeline built (no call made).
/// </summary>
public sealed class DispatchWarmUp(GatewayDirectory gateways, CellAreas cellAreas, IClock clock) : IWarmUpStep
{
    public string Name => "dispatch";

    public Task RunAsync(CancellationToken cancellationToken)
    {
        var names = Channels.Names;
        var published = new WarningPublished(WarmUpSample.Warning(clock.GetCurrentInstant(), names));
        var received = JsonSerializer.Deserialize<WarningPublished>(JsonSerializer.Serialize(published, SystemTextJsonMessageSerializer.Options), SystemTextJsonMessageSerializer.Options)!;
        foreach (string channel in names)
        {
            ChannelRenderer.Render(channel, received.Version, "", cellAreas.ByDistrict);
            gateways.For(channel);
        }

        return Task.CompletedTask;
    }
}
