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
/// <c>Telemetry:OtlpEndpoint</c> or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> both are also
/// exported over OTLP, as service <c>OTEL_SERVICE_NAME</c> (default warnings-platform); an export
/// that fails is logged (<see cref="TelemetryErrors"/>). Traces are recorded only when something
/// takes them (OTLP, or <c>Telemetry:Tracing=true</c> for an exporter added in process): recording
/// spans nobody exports cost ~3 % of the platform's CPU per warning (docs/performance.md, tenth round).
/// Every instance or none: one that records nothing may pass trace context on as not sampled.
/// </summary>
public static class TelemetrySetup
{
    public static IServiceCollection AddPlatformTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceInstance)
    {
        // Telemetry:OtlpEndpoint, or the standard OTEL_EXPORTER_OTLP_ENDPOINT (read by the exporter
        // itself with the other OTEL_EXPORTER_OTLP_* variables: protocol, headers, timeout).
        string? configured = configuration["Telemetry:OtlpEndpoint"];
        bool export = !string.IsNullOrWhiteSpace(configured) || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Action<OpenTelemetry.Exporter.OtlpExporterOptions> otlp = o =>
        {
            if (!string.IsNullOrWhiteSpace(configured))
            {
                o.Endpoint = new Uri(configured);
            }
        };
        string serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "warnings-platform";
        bool redis = !string.IsNullOrWhiteSpace(configuration["Redis:Configuration"]);
        bool traced = export || configuration.GetValue<bool>("Telemetry:Tracing");
        services.AddHostedService<TelemetryErrors>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: serviceInstance));
        if (traced)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(PlatformTelemetry.Name, DiagnosticHeaders.DefaultListenerName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/metrics") && !http.Request.Path.StartsWithSegments("/healthz"))
                    .AddHttpClientInstrumentation();
                if (redis)
                {
                    tracing.AddRedisInstrumentation();
                }

                if (export)
                {
                    tracing.AddOtlpExporter(otlp);
                }
            });
        }

        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(PlatformTelemetry.Name, InstrumentationOptions.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter();
            if (export)
            {
                metrics.AddOtlpExporter(otlp);
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
