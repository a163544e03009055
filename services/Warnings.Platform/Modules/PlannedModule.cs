using MassTransit;
using Microsoft.AspNetCore.Routing;
using Warnings.Core.Modules;

namespace Warnings.Platform.Modules;

/// <summary>
/// A module whose capability is not built yet: it can be selected, shows in the banner and answers
/// probes (so deployments can be wired and checked end to end), but registers nothing else. Its
/// issue replaces it with a real <see cref="IPlatformModule"/> in its own folder.
/// </summary>
internal sealed record PlannedModule(string Name, string Description) : IPlatformModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration) { }

    public void AddConsumers(IBusRegistrationConfigurator bus) { }

    public void MapEndpoints(IEndpointRouteBuilder endpoints) { }
}
