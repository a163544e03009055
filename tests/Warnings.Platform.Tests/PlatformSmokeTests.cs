using System.Net;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Platform.Modules;
using Warnings.Testing;

namespace Warnings.Platform.Tests;

/// <summary>
/// The same smoke tests through the embedded default and through real RabbitMQ and Redis: the host
/// is healthy, discoverable, and its modules are wired to each other through the bus and the store.
/// </summary>
public abstract class PlatformSmokeTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : PlatformFixture
{
    protected TFixture Fixture { get; } = fixture;

    private TestPlatform Platform => Fixture.Platform;

    private DiagnosticsService.DiagnosticsServiceClient Diagnostics => Platform.Client(c => new DiagnosticsService.DiagnosticsServiceClient(c));

    [Fact]
    public async Task Grpc_health_is_serving_once_started()
    {
        var health = Platform.Client(c => new Health.HealthClient(c));

        var response = await health.CheckAsync(new HealthCheckRequest { Service = "" });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Http_liveness_and_readiness_report_bus_and_store()
    {
        var alive = await Platform.Http.GetAsync("/healthz");
        var ready = await Platform.Http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        string body = await ready.Content.ReadAsStringAsync();
        Assert.Contains("\"store\"", body);
        Assert.Contains("masstransit-bus", body);
    }

    [Fact]
    public async Task Reflection_lists_the_services()
    {
        var reflection = Platform.Client(c => new ServerReflection.ServerReflectionClient(c));
        using var call = reflection.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("warnings.v1.DiagnosticsService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task A_probe_reaches_every_module_through_the_bus_and_lands_in_the_store()
    {
        string probeId = $"probe-{Guid.NewGuid():N}";

        var sent = await Diagnostics.SendProbeAsync(new SendProbeRequest { RequestId = probeId });

        var probe = await Eventually.Until(
            async () => await Diagnostics.GetProbeAsync(new GetProbeRequest { ProbeId = probeId }),
            p => p.Receipts.Count == ModuleCatalog.All.Count,
            "a receipt from every module");
        Assert.Equal(ModuleCatalog.All.Select(m => m.Name).Order(StringComparer.Ordinal), probe.Receipts.Select(r => r.Module));
        // The Instant went through the bus serializer, the store and back to a Timestamp: not a nanosecond lost.
        Assert.Equal(PlatformFixture.Now, sent.SentAt.ToInstant());
        Assert.All(probe.Receipts, r => Assert.Equal(sent.SentAt, r.SentAt));
        Assert.All(probe.Receipts, r => Assert.Equal(PlatformFixture.Now, r.ReceivedAt.ToInstant()));
    }

    [Fact]
    public async Task A_repeated_probe_records_each_module_once()
    {
        string probeId = $"probe-{Guid.NewGuid():N}";

        await Diagnostics.SendProbeAsync(new SendProbeRequest { RequestId = probeId });
        await Diagnostics.SendProbeAsync(new SendProbeRequest { RequestId = probeId });

        var probe = await Eventually.Until(
            async () => await Diagnostics.GetProbeAsync(new GetProbeRequest { ProbeId = probeId }),
            p => p.Receipts.Count == ModuleCatalog.All.Count,
            "a receipt from every module");
        Assert.Equal(probe.Receipts.Count, probe.Receipts.Select(r => r.Module).Distinct().Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("an-id-that-is-far-too-long-to-be-accepted-by-the-platform-at-all-xx")]
    public async Task A_bad_request_id_is_invalid_argument_with_the_field_named(string requestId)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Diagnostics.SendProbeAsync(new SendProbeRequest { RequestId = requestId }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var status = error.GetRpcStatus()!;
        Assert.Equal("request_id", Assert.Single(status.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Equal("INVALID_REQUEST", status.GetDetail<ErrorInfo>().Reason);
    }

    [Fact]
    public async Task Platform_info_names_modules_transport_store_and_endpoints()
    {
        var info = await Diagnostics.GetPlatformInfoAsync(new GetPlatformInfoRequest());

        Assert.Equal(ModuleCatalog.All.Select(m => m.Name), info.Modules);
        Assert.Equal(Fixture.Backplane.IsReal ? "RabbitMq" : "InMemory", info.Transport);
        Assert.Equal(Fixture.Backplane.IsReal ? "Redis" : "InMemory", info.Store);
        Assert.Equal(Platform.GrpcAddress, info.GrpcEndpoint);
        Assert.Equal(Platform.HttpAddress, info.HttpEndpoint);
    }
}

public sealed class EmbeddedPlatformSmokeTests(EmbeddedPlatformFixture fixture) : PlatformSmokeTests<EmbeddedPlatformFixture>(fixture);

public sealed class RealPlatformSmokeTests(RealPlatformFixture fixture) : PlatformSmokeTests<RealPlatformFixture>(fixture)
{
    [Fact]
    public async Task Probe_receipts_are_in_redis_under_the_runs_key_prefix()
    {
        string probeId = $"probe-{Guid.NewGuid():N}";
        var diagnostics = Fixture.Platform.Client(c => new DiagnosticsService.DiagnosticsServiceClient(c));

        await diagnostics.SendProbeAsync(new SendProbeRequest { RequestId = probeId });

        string key = $"{Fixture.Backplane.KeyPrefix}:probe:{probeId}";
        await Eventually.Until(() => Fixture.Backplane.RedisDatabase.HashLengthAsync(key), n => n == ModuleCatalog.All.Count, "receipts in Redis");
        Assert.True(await Fixture.Backplane.RedisDatabase.KeyTimeToLiveAsync(key) > TimeSpan.Zero);
    }
}
