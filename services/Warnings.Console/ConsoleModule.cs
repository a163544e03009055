using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Warnings.Core.Modules;

namespace Warnings.DutyConsole;

/// <summary>
/// The duty room console under <c>/console</c>: pages and their assets, the browser session (sign-in
/// with an API key or the city SSO's JWT, sign-out, CSRF token) and server-sent events. Everything
/// the pages do goes through the platform's own REST API (<c>/v1</c>) as the signed-in person, so the
/// console holds no business rule. Alone in a process it serves the pages; its <c>/v1</c> calls then
/// reach the API instances through the same origin (a reverse proxy in front of both).
/// </summary>
public sealed class ConsoleModule : IPlatformModule
{
    public string Name => "console";

    public string Description => "Duty room console: new warnings, inbox, publish and follow, the list, operations (browser, /console)";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new ConsoleOptions());
        services.AddSingleton<ConsoleAssets>();
        services.AddSingleton<ConsoleChanges>();
        services.AddHostedService(sp => sp.GetRequiredService<ConsoleChanges>());
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapConsole();
}
