using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Warnings.Core.Modules;

/// <summary>
/// One capability of the platform (publication list, issuing, reporting, dispatch, feeds, analysis).
/// The host runs any set of modules in one process, chosen by configuration, so a module registers
/// everything it needs here and assumes nothing about which other modules share its process: it talks
/// to them only through the bus and the store.
/// </summary>
public interface IPlatformModule
{
    /// <summary>The name used in <c>--modules</c> and <c>Platform__Modules</c>, kebab-case (e.g. <c>publication-list</c>).</summary>
    string Name { get; }

    /// <summary>One line for the start-up banner and the README.</summary>
    string Description { get; }

    /// <summary>Registers the module's services (domain services, stores, options).</summary>
    void AddServices(IServiceCollection services, IConfiguration configuration);

    /// <summary>Registers the module's bus consumers; the host creates their endpoints.</summary>
    void AddConsumers(IBusRegistrationConfigurator bus);

    /// <summary>Maps the module's gRPC services and HTTP routes.</summary>
    void MapEndpoints(IEndpointRouteBuilder endpoints);
}
