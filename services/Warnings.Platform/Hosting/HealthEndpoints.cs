using System.Text.Json;
using Grpc.AspNetCore.HealthChecks;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Warnings.Core.Hosting;

namespace Warnings.Platform.Hosting;

/// <summary>
/// Liveness and readiness. Readiness is every check tagged <c>ready</c>: the bus (registered by
/// MassTransit), the store and the warm-up (at most <see cref="WarmUp.Limit"/> after start). gRPC <c>grpc.health.v1</c> reports the same readiness for the
/// service "" and for each warnings.v1 service this instance serves, and runs the checks on every Check call, so it says NOT_SERVING until both are up.
/// </summary>
internal static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddPlatformHealth(this IServiceCollection services)
    {
        services.AddHealthChecks();
        services.AddGrpcHealthChecks(o => o.Services.Map("", r => r.Tags.Contains(ReadyTag)));
        // Each gRPC service this instance serves answers under its own name too (grpc.health.v1
        // clients and Kubernetes probes ask for "warnings.v1.WarningService"), with the same readiness;
        // a service of a module this instance does not run stays NOT_FOUND.
        services.AddOptions<GrpcHealthChecksOptions>().Configure<Microsoft.AspNetCore.Routing.EndpointDataSource>((o, endpoints) =>
        {
            foreach (string service in endpoints.Endpoints
                .Select(e => e.Metadata.GetMetadata<Grpc.AspNetCore.Server.GrpcMethodMetadata>()?.Method.ServiceName)
                .OfType<string>()
                .Where(name => name.StartsWith("warnings.", StringComparison.Ordinal))
                .Distinct())
            {
                o.Services.Map(service, r => r.Tags.Contains(ReadyTag));
            }
        });
        return services;
    }

    /// <summary>The warm-up (<see cref="WarmUp"/>): the store's steps and every module's, holding readiness until done.</summary>
    public static IServiceCollection AddPlatformWarmUp(this IServiceCollection services)
    {
        services.AddSingleton<IWarmUpStep, StoreWarmUp>();
        services.AddSingleton<WarmUp>();
        services.AddHostedService(sp => sp.GetRequiredService<WarmUp>());
        services.AddHealthChecks().AddCheck<WarmUp>("warm-up", tags: [ReadyTag]);
        return services;
    }

    public static void MapPlatformHealth(this WebApplication app)
    {
        app.MapGrpcHealthChecksService();
        // Alive: the process answers HTTP. Runs no checks, so a slow Redis never gets us restarted.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag), ResponseWriter = WriteReport }).AllowAnonymous();
    }

    private static Task WriteReport(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
