using Warnings.Core.Modules;
using System.Net;
using Grpc.Health.V1;
using Warnings.Contracts.V1;
using Warnings.Platform.Hosting;
using Warnings.Platform.Modules;
using Warnings.Testing;

namespace Warnings.Platform.Tests;

public class HostConfigurationTests
{
    [Theory]
    [InlineData(null, 7)]
    [InlineData("all", 7)]
    [InlineData("ALL", 7)]
    [InlineData("issuing", 1)]
    [InlineData(" dispatch , Issuing ", 2)]
    public void Modules_are_selected_by_name_in_catalogue_order(string? spec, int count)
    {
        var selected = ModuleCatalog.Select(spec);

        Assert.Equal(count, selected.Count);
        Assert.Equal(ModuleCatalog.All.Where(selected.Contains), selected);
    }

    [Fact]
    public void An_unknown_module_is_refused_by_name_with_the_known_ones_listed()
    {
        var error = Assert.Throws<PlatformConfigurationException>(() => ModuleCatalog.Select("issuing,sms-gateway"));

        Assert.Contains("sms-gateway", error.Message);
        Assert.Contains("publication-list", error.Message);
    }

    [Theory]
    [InlineData("Bus:Transport", "Kafka", "Bus:Transport")]
    [InlineData("Platform:GrpcUrl", "not a url", "Platform:GrpcUrl")]
    [InlineData("Platform:HttpUrl", "http://example.org:80", "host must be an IP address")]
    [InlineData("Dispatch:Gateways:sms:Url", "http://127.0.0.1:9/sms", "Dispatch:Gateways:sms:Secret is empty")]
    public async Task A_bad_setting_stops_the_host_with_a_message_naming_it(string key, string value, string expected)
    {
        var error = await Assert.ThrowsAsync<PlatformConfigurationException>(async () =>
            await TestPlatform.StartAsync(Backplane.Embedded(), settings: new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task The_modules_option_on_the_command_line_selects_modules()
    {
        var app = PlatformHost.Build(["--modules", "feeds,analysis", "--Platform:GrpcUrl=http://127.0.0.1:0", "--Platform:HttpUrl=http://127.0.0.1:0", "--Identity:DevKeys:Enabled=false"]);
        await app.StartAsync();
        try
        {
            var instance = (PlatformInstance)app.Services.GetService(typeof(PlatformInstance))!;
            Assert.Equal(["feeds", "analysis"], instance.ModuleNames);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Without_a_store_the_platform_is_alive_but_not_serving()
    {
        // Nothing listens on port 1: Redis is configured but unreachable.
        await using var platform = await TestPlatform.StartAsync(Backplane.Embedded(), settings: new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = "127.0.0.1:1,connectTimeout=500",
        });
        var health = platform.Client(c => new Health.HealthClient(c));

        var grpcHealth = await health.CheckAsync(new HealthCheckRequest());
        var alive = await platform.Http.GetAsync("/healthz");
        var ready = await platform.Http.GetAsync("/readyz");

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, grpcHealth.Status);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }
}

public class RealBackplaneIsolationTests
{
    [Fact]
    public async Task A_run_leaves_no_vhost_and_no_keys_behind()
    {
        var backplane = await Backplane.CreateRealAsync();
        await using (var platform = await TestPlatform.StartAsync(backplane))
        {
            var diagnostics = platform.Client(c => new DiagnosticsService.DiagnosticsServiceClient(c));
            await diagnostics.SendProbeAsync(new SendProbeRequest { RequestId = "leave-nothing" });
            await Eventually.Until(backplane.KeysAsync, keys => keys.Count > 0, "the probe's receipts in Redis");
        }

        await backplane.DisposeAsync();

        Assert.DoesNotContain(backplane.VirtualHost!, await RabbitMqCtl.RunAsync("list_vhosts"));
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Backplane.RedisPort}");
        Assert.Empty(redis.GetServers().First().Keys(pattern: $"{backplane.KeyPrefix}:*"));
    }
}
