using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Warnings.Platform.Hosting;
using Xunit;

namespace Warnings.Platform.Tests.Telemetry;

/// <summary>
/// Spans are recorded only when something takes them: an OTLP endpoint, or <c>Telemetry:Tracing</c>
/// for an exporter added in process. Metrics (<c>/metrics</c>) are there either way.
/// </summary>
public sealed class TracingSwitchTests
{
    [Theory]
    [InlineData(null, null, null, false)]
    [InlineData("true", null, null, true)]
    [InlineData("false", null, null, false)]
    [InlineData(null, "http://127.0.0.1:4317", null, true)]
    [InlineData(null, null, "http://127.0.0.1:4317", true)] // the standard variable, as the environment gives it
    public void A_tracer_provider_exists_only_when_traces_are_taken(string? tracing, string? otlp, string? standardOtlp, bool expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telemetry:Tracing"] = tracing,
            ["Telemetry:OtlpEndpoint"] = otlp,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = standardOtlp,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPlatformTelemetry(configuration, "test");
        using var provider = services.BuildServiceProvider();

        Assert.Equal(expected, provider.GetService<TracerProvider>() is not null);
        Assert.NotNull(provider.GetService<MeterProvider>());
    }
}
