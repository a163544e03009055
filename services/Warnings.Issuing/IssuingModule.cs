using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Warnings.Core.Modules;
using Warnings.Issuing.Cap;
using Warnings.Issuing.Grpc;
using Warnings.Issuing.Storage;
using Warnings.PublicationList;

namespace Warnings.Issuing;

/// <summary>The warning life cycle: draft, review, sign-off, publish, update, lift, expiry.</summary>
public sealed class IssuingModule : IPlatformModule
{
    public string Name => "issuing";

    public string Description => "Warning life cycle: draft, review, sign-off, publish, update, lift, expiry";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<IssuingOptions>(configuration.GetSection("Issuing"));
        // Decisions read the publication list through the same snapshots, whether or not the
        // publication-list module runs in this process.
        PublicationListModule.AddListSnapshots(services);
        Cap.CapDocuments.Add(services);
        services.Configure<Cap.CapImportOptions>(configuration.GetSection(Cap.CapImportOptions.Section));
        services.AddSingleton<Cap.CapImportTrust>();
        services.AddSingleton<Warnings.Core.Hosting.IWarmUpStep, Cap.CapWarmUp>();
        services.TryAddSingleton<WarningRepository>();
        services.AddSingleton<WarningExpiry>();
        services.AddHostedService(sp => sp.GetRequiredService<WarningExpiry>());
    }

    // Issuing consumes nothing: dispatch writes the delivery records it answers from (Contracts.Delivery).
    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<WarningGrpcService>();
        endpoints.MapCapCertificates();
    }
}
