using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
        services.Configure<ReportingOptions>(configuration.GetSection("Reporting"));
        PublicationListModule.AddListSnapshots(services);
        services.AddSingleton(sp => new DistrictMap(sp.GetRequiredService<IOptions<ReportingOptions>>().Value.DistrictMapPath ?? DistrictMap.DefaultPath));
        services.AddSingleton<IncidentRepository>();
        services.AddSingleton<OverdueReports>();
        services.AddHostedService(sp => sp.GetRequiredService<OverdueReports>());
    }

    public void AddConsumers(IBusRegistrationConfigurator bus) { }

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapGrpcService<IncidentGrpcService>();
}
