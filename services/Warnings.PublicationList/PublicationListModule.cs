using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Warnings.Core.Modules;
using Warnings.PublicationList.Grpc;
using Warnings.PublicationList.Storage;

namespace Warnings.PublicationList;

/// <summary>The publication list: versioned grants and reporting rules, edited live, checked on every warning.</summary>
public sealed class PublicationListModule : IPlatformModule
{
    public string Name => "publication-list";

    public string Description => "Publication list: versioned grants and reporting rules, edited live";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PublicationListOptions>(configuration.GetSection("PublicationList"));
        AddListSnapshots(services);
        services.AddHostedService<ListRefresher>();
        services.AddSingleton<Warnings.Core.Hosting.IWarmUpStep, ListWarmUp>();
    }

    /// <summary>
    /// What any module that makes list decisions needs (the issuing module calls this too): the
    /// repository and this instance's snapshot, read through to the store on every decision.
    /// </summary>
    public static void AddListSnapshots(IServiceCollection services)
    {
        services.TryAddSingleton<ListRepository>();
        services.TryAddSingleton<ListSnapshots>();
    }

    public void AddConsumers(IBusRegistrationConfigurator bus) { }

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapGrpcService<PublicationListGrpcService>();
}
