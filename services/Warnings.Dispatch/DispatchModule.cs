using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Warnings.Core.Modules;
using Warnings.Dispatch.Gateways;

namespace Warnings.Dispatch;

/// <summary>Channel fan-out: one receive for every channel, each channel's own queue for its trouble, rendering, gateways, delivery records.</summary>
public sealed class DispatchModule : IPlatformModule
{
    public string Name => "dispatch";

    public string Description => "Channel fan-out: one receive for every channel, a queue per channel for its retries, delivery records";

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

        if (options.HandOffAfter < TimeSpan.FromMilliseconds(50) || options.HandOffAfter > TimeSpan.FromSeconds(20))
        {
            throw new PlatformConfigurationException($"Dispatch:HandOffAfter is {options.HandOffAfter}: it must be between 00:00:00.050 and 00:00:20.");
        }

        if (options.HandOffFor < TimeSpan.FromSeconds(1) || options.HandOffFor > TimeSpan.FromHours(1))
        {
            throw new PlatformConfigurationException($"Dispatch:HandOffFor is {options.HandOffFor}: it must be between 00:00:01 and 01:00:00.");
        }

        services.AddSingleton(options);
        services.AddSingleton<CellAreas>();
        services.AddSingleton<LoggingGateway>();
        services.AddSingleton<GatewayDirectory>();
        services.AddSingleton<DeliveryRecorder>();
        services.AddSingleton<ChannelDeliverer>();
        services.AddSingleton<ChannelTrouble>();
        services.AddSingleton<DirectAttempts>();
        services.AddHostedService(sp => sp.GetRequiredService<DirectAttempts>());
        services.AddSingleton<Warnings.Core.Hosting.IWarmUpStep, DispatchWarmUp>();
        foreach (var channel in Channels.Names)
        {
            // Per channel: its own connection pools and circuit breaker, so one gateway's trouble stays its own.
            // No per-request log scopes or lines: the delivery records and metrics say what each call did.
            services.AddHttpClient(GatewayDirectory.ClientName(channel, withRetries: true))
                .RemoveAllLoggers()
                .ConfigurePrimaryHttpMessageHandler(NewHandler)
                .AddStandardResilienceHandler(o =>
            {
                o.AttemptTimeout.Timeout = AttemptTimeout;
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(20);
                o.Retry.MaxRetryAttempts = Math.Max(1, options.HttpRetries);
                o.Retry.Delay = TimeSpan.FromMilliseconds(500);
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
            });
            // The fan-out's single try: no retries (a failure goes to the channel's queue at once) and
            // no breaker of its own (ChannelTrouble sends a failing channel to its queue for a while).
            services.AddHttpClient(GatewayDirectory.ClientName(channel, withRetries: false), c => c.Timeout = AttemptTimeout)
                .RemoveAllLoggers()
                .ConfigurePrimaryHttpMessageHandler(NewHandler);
        }
    }

    // One attempt at a gateway, on both paths.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    // Never follow a redirect: the gateway URL is the one place a warning may be sent.
    private static HttpMessageHandler NewHandler() => new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false };

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        // One receive per warning version for all channels (queue "dispatch")...
        bus.AddConsumer<WarningFanOut>().Endpoint(e =>
        {
            e.Name = "dispatch";
            // Each message is up to ten gateway calls side by side, mostly waiting on the network; a slow
            // channel holds a message at most Dispatch:HandOffAfter, once per trouble window (each
            // message, during a fresh process's start-up grace: ChannelTrouble).
            e.PrefetchCount = 64;
        });
        // ...and each channel's own queue, bound to no event: it gets only what the fan-out hands it.
        foreach (var channel in Channels.All)
        {
            bus.AddConsumer(typeof(ChannelDispatcher<>).MakeGenericType(channel)).Endpoint(e =>
            {
                e.Name = $"dispatch-{Channels.NameOf(channel)}";
                e.ConfigureConsumeTopology = false;
            });
        }
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<DispatchGrpcService>();
        endpoints.MapGrpcService<Rendering.RenderingGrpcService>();
    }
}
