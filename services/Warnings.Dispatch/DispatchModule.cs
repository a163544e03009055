using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Warnings.Core.Modules;
using Warnings.Dispatch.Gateways;

namespace Warnings.Dispatch;

/// <summary>Channel fan-out: one queue per delivery channel, rendering, gateways, delivery records.</summary>
public sealed class DispatchModule : IPlatformModule
{
    public string Name => "dispatch";

    public string Description => "Channel fan-out: one queue per delivery channel, delivery records";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Dispatch").Get<DispatchOptions>() ?? new DispatchOptions();
        foreach (var (channel, gateway) in options.Gateways)
        {
            // An unsigned call would be accepted by no careful gateway, and would be forgeable by anyone.
            if (!string.IsNullOrWhiteSpace(gateway.Url) && string.IsNullOrWhiteSpace(gateway.Secret))
            {
                throw new PlatformConfigurationException($"Dispatch:Gateways:{channel}:Url is set but Dispatch:Gateways:{channel}:Secret is empty: a gateway's calls are always signed.");
            }
        }

        services.AddSingleton(options);
        services.AddSingleton<CellAreas>();
        services.AddSingleton<LoggingGateway>();
        services.AddSingleton<GatewayDirectory>();
        services.AddSingleton<DeliveryRecorder>();
        services.AddSingleton<Warnings.Core.Hosting.IWarmUpStep, DispatchWarmUp>();
        foreach (var channel in Channels.All.Select(Channels.NameOf))
        {
            // Per channel: its own connection pool and circuit breaker, so one gateway's trouble stays its own.
            // Never follow a redirect: the gateway URL is the one place a warning may be sent.
            services.AddHttpClient($"gateway-{channel}")
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false })
                .AddStandardResilienceHandler(o =>
            {
                o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(20);
                o.Retry.MaxRetryAttempts = Math.Max(1, options.HttpRetries);
                o.Retry.Delay = TimeSpan.FromMilliseconds(500);
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
            });
        }
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        foreach (var channel in Channels.All)
        {
            bus.AddConsumer(typeof(ChannelDispatcher<>).MakeGenericType(channel)).Endpoint(e => e.Name = $"dispatch-{Channels.NameOf(channel)}");
        }
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<DispatchGrpcService>();
        endpoints.MapGrpcService<Rendering.RenderingGrpcService>();
    }
}
