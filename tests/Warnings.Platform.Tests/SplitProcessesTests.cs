using Warnings.Contracts.V1;
using Warnings.Platform.Modules;
using Warnings.Testing;

namespace Warnings.Platform.Tests;

/// <summary>
/// The production shape: modules split over separate platform instances that share only RabbitMQ and
/// Redis. An event published by one instance is consumed by modules running in the other.
/// </summary>
public sealed class SplitProcessesTests : IAsyncLifetime
{
    private Backplane _backplane = null!;
    private TestPlatform _front = null!;
    private TestPlatform _back = null!;

    public async Task InitializeAsync()
    {
        _backplane = await Backplane.CreateRealAsync();
        _front = await TestPlatform.StartAsync(_backplane, modules: "publication-list,issuing", instanceName: "front");
        _back = await TestPlatform.StartAsync(_backplane, modules: "reporting,dispatch,feeds,analysis,console", instanceName: "back");
    }

    [Fact]
    public async Task A_probe_sent_through_one_instance_is_consumed_by_the_modules_of_the_other()
    {
        var front = _front.Client(c => new DiagnosticsService.DiagnosticsServiceClient(c));
        var back = _back.Client(c => new DiagnosticsService.DiagnosticsServiceClient(c));
        string probeId = $"split-{Guid.NewGuid():N}";

        await front.SendProbeAsync(new SendProbeRequest { RequestId = probeId });

        var probe = await Eventually.Until(
            async () => await back.GetProbeAsync(new GetProbeRequest { ProbeId = probeId }),
            p => p.Receipts.Count == ModuleCatalog.All.Count,
            "receipts from the modules of both instances");
        var byModule = probe.Receipts.ToDictionary(r => r.Module, r => r.Instance);
        Assert.Equal("front", byModule["issuing"]);
        Assert.Equal("front", byModule["publication-list"]);
        Assert.Equal("back", byModule["dispatch"]);
        Assert.Equal("back", byModule["analysis"]);
        Assert.Equal(["issuing", "publication-list"], (await front.GetPlatformInfoAsync(new GetPlatformInfoRequest())).Modules.Order());
    }

    public async Task DisposeAsync()
    {
        await _front.DisposeAsync();
        await _back.DisposeAsync();
        await _backplane.DisposeAsync();
    }
}
