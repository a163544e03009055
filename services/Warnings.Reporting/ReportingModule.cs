using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Warnings.Core.Modules;
using Warnings.PublicationList;
using Warnings.Reporting.Domain;
using Warnings.Reporting.Grpc;
using Warnings.Reporting.Storage;

namespace Warnings.Reporting;

/// <summary>Incident reports: initial, follow-up, final; severity, deadlines, escalation.</summary>
public sealed class ReportingModule : IPlatformModule
{
    public string Name => "reporting";

    public string Description => "Incident reports: initial, follow-up, final; severity and deadlines";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        AddIncidentReading(services, configuration);
        services.AddSingleton<OverdueReports>();
        services.AddSingleton<OverdueReports>();
        services.AddHostedService(sp => sp.GetRequiredService<OverdueReports>());
    }

    /// <summary>
    /// What any module that reads incidents needs (the analysis module calls this too): the options,
    /// the list snapshots, the district map and the incident documents, registered once.
    /// </summary>
    public static void AddIncidentReading(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ReportingOptions>(configuration.GetSection("Reporting"));
        PublicationListModule.AddListSnapshots(services);
        services.TryAddSingleton(sp => new DistrictMap(sp.GetRequiredService<IOptions<ReportingOptions>>().Value.DistrictMapPath ?? DistrictMap.DefaultPath));
        services.TryAddSingleton<IncidentRepository>();
    }

    public void AddConsumers(IBusRegistrationConfigurator bus) { }

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapGrpcService<IncidentGrpcService>();
}
