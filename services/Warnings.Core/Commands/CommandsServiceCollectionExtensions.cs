using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Warnings.Core.Commands;

public static class CommandsServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="Commands"/> and the outbox relay. Register after the bus, so the relay starts once
    /// the bus is up.
    /// </summary>
    public static IServiceCollection AddPlatformCommands(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<OutboxOptions>(configuration.GetSection("Outbox"));
        services.AddSingleton<Commands>();
        services.AddSingleton<OutboxRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        return services;
    }
}
