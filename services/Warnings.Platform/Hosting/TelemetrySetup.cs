using MassTransit.Logging;
using MassTransit.Monitoring;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Warnings.Core.Telemetry;

namespace Warnings.Platform.Hosting;

/// <summary>
/// OpenTelemetry for the host: traces from gRPC/HTTP (ASP.NET Core), Redis, the outbox relay, the bus
/// (MassTransit) and outgoing HTTP (gateways, webhooks), so one trace follows a warning from the call
/// that published it to every channel; metrics (the platform's counters, MassTransit's consume
/// metrics, ASP.NET Core request durations, runtime) on <c>/metrics</c> for Prometheus. With
/// <c>Telemetry:OtlpEndpoint</c> both are also exported over OTLP.
/// </summary>
public static class TelemetrySetup
{
    public static IServiceCollection AddPlatformTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceInstance)
    {
        string? otlp = configuration["Telemetry:OtlpEndpoint"];
        bool redis = !string.IsNullOrWhiteSpace(configuration["Redis:Configuration"]);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("warnings-platform", serviceInstanceId: serviceInstance))
            .WithTracing(tracing =>
            {
                tracing.AddSource(PlatformTelemetry.Name, DiagnosticHeaders.DefaultListenerName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/metrics") && !http.Request.Path.StartsWithSegments("/healthz"))
                    .AddHttpClientInstrumentation();
                if (redis)
                {
                    tracing.AddRedisInstrumentation();
                }

                if (!string.IsNullOrWhiteSpace(otlp))
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(PlatformTelemetry.Name, InstrumentationOptions.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (!string.IsNullOrWhiteSpace(otlp))
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                }
            });
        return services;
    }

    /// <summary>Prometheus scrapes <c>/metrics</c> without credentials: counters and durations only, no warning or report content.</summary>
    public static WebApplication MapPlatformMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }
}
