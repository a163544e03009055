using MassTransit;
using Warnings.Core.Json;
using Warnings.Core.Messaging;
using Warnings.Core.Resilience;
using Warnings.Core.Modules;
using Warnings.Platform.Diagnostics;

namespace Warnings.Platform.Messaging;

public static class BusServiceCollectionExtensions
{
    /// <summary>
    /// MassTransit on the configured transport, with every selected module's consumers, the
    /// platform's JSON (NodaTime) on the wire, retries with backoff then the error queue for poison
    /// messages, one probe endpoint per module, and this instance's own warm-up endpoint
    /// (<see cref="BusWarmUp"/>). The host waits until the bus is started, so
    /// nothing is published before the queues are bound.
    /// </summary>
    public static IServiceCollection AddPlatformBus(this IServiceCollection services, BusOptions options, IReadOnlyList<IPlatformModule> modules)
    {
        var transport = options.EffectiveTransport;
        var consumerAssemblies = modules.Select(m => m.GetType().Assembly).Append(typeof(BusServiceCollectionExtensions).Assembly).ToList();
        var warmUp = new BusWarmUpEndpoint(DeadLetterRecording.ConsumedMessageTypes(consumerAssemblies), EventMessageTypes.All);
        services.AddSingleton(warmUp);
        services.AddSingleton<Core.Hosting.IWarmUpStep, BusWarmUp>();
        services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            foreach (var module in modules)
            {
                module.AddConsumers(bus);
            }

            // No usage reports to a third-party host: this platform talks only to its own servers.
            bus.DisableUsageTelemetry();
            // Every process records what any consumer gave up on, so nothing is parked unseen.
            DeadLetterRecording.Register(bus, consumerAssemblies);
            warmUp.Register(bus);

            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                ConfigureRetries(endpoint, options);
                if (options.RabbitMq.QuorumQueues && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                {
                    rabbit.SetQuorumQueue();
                }
            });

            if (transport == BusTransport.RabbitMq)
            {
                var rabbit = options.RabbitMq;
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(rabbit.HostOrDefault, rabbit.Port, rabbit.VirtualHost, h =>
                    {
                        h.Username(rabbit.Username);
                        h.Password(rabbit.Password);
                        h.PublisherConfirmation = true;
                        if (rabbit.ClusterNodes.Length > 0)
                        {
                            h.UseCluster(cluster =>
                            {
                                foreach (var node in rabbit.ClusterNodes)
                                {
                                    cluster.Node(node);
                                }
                            });
                        }
                    });
                    BrokerReconnect.Apply(cfg, options.RabbitMq.ReconnectInterval);
                    ConfigureCommon(context, cfg, modules, warmUp, options);
                });
            }
            else
            {
                bus.UsingInMemory((context, cfg) => ConfigureCommon(context, cfg, modules, warmUp, options));
            }
        });

        if (transport == BusTransport.RabbitMq && modules.Any(m => m.Name == "dispatch"))
        {
            services.AddHostedService<RetiredDispatchBindings>();
        }

        services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }

    private static void ConfigureCommon<TEndpoint>(IBusRegistrationContext context, IBusFactoryConfigurator<TEndpoint> cfg, IReadOnlyList<IPlatformModule> modules, BusWarmUpEndpoint warmUp, BusOptions options)
        where TEndpoint : IReceiveEndpointConfigurator
    {
        // MassTransit keeps one process-wide System.Text.Json options object; without the NodaTime
        // converters every Instant on the bus would arrive as 1970-01-01.
        cfg.ConfigureJsonSerializerOptions(PlatformJson.Configure);
        ProbeEndpoints.Configure(context, cfg, modules);
        warmUp.Configure(context, cfg, endpoint => ConfigureRetries(endpoint, options));
        cfg.ConfigureEndpoints(context);
    }

    // Every consuming endpoint's retries (the warm-up's too, so it runs the same middleware).
    private static void ConfigureRetries(IReceiveEndpointConfigurator endpoint, BusOptions options)
    {
        var retry = options.Retry;
        // Outer: the store or broker is away. Wait it out on the scale of minutes (the message
        // stays unacknowledged meanwhile, and comes back after a crash) instead of burning the
        // retries in seconds and parking work that only needed a minute.
        endpoint.UseMessageRetry(r =>
        {
            r.Handle<Exception>(TransientFailures.IsTransient);
            r.Intervals([.. options.OutageRetry.Intervals()]);
        });
        // Inner: everything else, a few quick tries, then the error queue (and a dead letter operators see).
        endpoint.UseMessageRetry(r =>
        {
            r.Ignore<Exception>(TransientFailures.IsTransient);
            r.Exponential(retry.Limit, retry.MinInterval, retry.MaxInterval, retry.IntervalDelta);
        });
    }
}
