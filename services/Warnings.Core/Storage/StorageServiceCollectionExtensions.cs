using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Warnings.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IStateStore"/>: Redis when <c>Redis:Configuration</c> is set, else in memory.
    /// Redis gets one shared multiplexer, connected when the host starts (not on first use) and with
    /// <c>abortConnect=false</c>, so a Redis that comes up late is picked up without a restart.
    /// </summary>
    public static IServiceCollection AddPlatformStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>().Configure(o =>
        {
            o.RedisConfiguration = configuration["Redis:Configuration"];
            o.KeyPrefix = configuration["Store:KeyPrefix"] is { Length: > 0 } prefix ? prefix : o.KeyPrefix;
            o.Durability = configuration["Redis:Durability"] is { Length: > 0 } durability ? durability : o.Durability;
        });

        if (string.IsNullOrWhiteSpace(configuration["Redis:Configuration"]))
        {
            services.TryAddSingleton<IStateStore, InMemoryStateStore>();
        }
        else
        {
            services.AddSingleton<IConnectionMultiplexer>(sp =>
            {
                var store = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
                string configuration = store.RedisConfiguration!;
                var redis = ConfigurationOptions.Parse(configuration);
                redis.AbortOnConnectFail = false;
                redis.AllowAdmin |= store.FsyncAlways; // CONFIG SET appendfsync
                ApplyOutageDefaults(redis, configuration);
                return ConnectionMultiplexer.Connect(redis);
            });
            services.TryAddSingleton<IStateStore, RedisStateStore>(); // a test may have put a wrapper first
            services.AddHostedService<ConnectRedisAtStart>();
        }

        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return services;
    }

    /// <summary>
    /// While Redis is down, fail at once instead of queueing commands until a 5 s timeout: a client
    /// hears UNAVAILABLE well inside a typical deadline, consumers wait and retry, and nothing piles
    /// up in memory. Reconnect every second (not with a back-off growing to tens of seconds), so work
    /// resumes within about a second of Redis being back. Values given in the configuration string win.
    /// </summary>
    private static void ApplyOutageDefaults(ConfigurationOptions redis, string configuration)
    {
        redis.BacklogPolicy = BacklogPolicy.FailFast;
        redis.ReconnectRetryPolicy = new LinearRetry(1000);
        if (!configuration.Contains("asyncTimeout", StringComparison.OrdinalIgnoreCase))
        {
            redis.AsyncTimeout = 2000;
        }

        if (!configuration.Contains("syncTimeout", StringComparison.OrdinalIgnoreCase))
        {
            redis.SyncTimeout = 2000;
        }

        if (!configuration.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase))
        {
            redis.ConnectTimeout = 2000;
        }
    }

    // Resolving the multiplexer at start makes the connection eager: readiness reflects Redis from
    // the first second, and the first request does not pay for the connect.
    private sealed class ConnectRedisAtStart(IServiceProvider services, IOptions<StoreOptions> options, ILogger<StoreOptions> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var redis = services.GetRequiredService<IConnectionMultiplexer>();
            if (!options.Value.FsyncAlways)
            {
                return;
            }

            foreach (var endpoint in redis.GetEndPoints())
            {
                var server = redis.GetServer(endpoint);
                if (server.IsConnected && !server.IsReplica)
                {
                    await server.ConfigSetAsync("appendonly", "yes");
                    await server.ConfigSetAsync("appendfsync", "always");
                    logger.LogInformation("Redis {Endpoint}: appendfsync always (Redis:Durability=Always)", endpoint);
                }
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class StoreHealthCheck(IStateStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await store.PingAsync(cancellationToken)
                ? HealthCheckResult.Healthy($"{store.Kind} store answers")
                : HealthCheckResult.Unhealthy($"{store.Kind} store does not answer");
    }
}
