using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Warnings.Analysis.Dashboard;
using Warnings.Analysis.Grpc;
using Warnings.Analysis.Projections;
using Warnings.Core.Modules;
using Warnings.Issuing.Storage;
using Warnings.Reporting;

namespace Warnings.Analysis;

/// <summary>Analysis: projections of warnings and incidents, AnalysisService, and the situation dashboard.</summary>
public sealed class AnalysisModule : IPlatformModule
{
    public string Name => "analysis";

    public string Description => "Analysis: timeliness, completeness, escalation, related incidents, statistics, risk; exports; the dashboard";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Analysis").Get<AnalysisOptions>() ?? new AnalysisOptions());
        ReportingModule.AddIncidentReading(services, configuration);
        services.TryAddSingleton<WarningRepository>();
        services.AddSingleton<ProjectionStore>();
        services.AddSingleton<Projector>();
        services.AddSingleton<DashboardChanges>();
        services.AddHostedService(sp => sp.GetRequiredService<DashboardChanges>());
    }

    // More events in hand at once than the default (16), so the projector's groups grow with a backlog.
    public void AddConsumers(IBusRegistrationConfigurator bus) => bus.AddConsumer<ProjectionUpdater>().Endpoint(e =>
    {
        e.Name = "analysis-projections";
        e.PrefetchCount = 128;
    });

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<AnalysisGrpcService>();
        endpoints.MapGrpcService<ExportGrpcService>();
        endpoints.MapDashboard();
    }
}
