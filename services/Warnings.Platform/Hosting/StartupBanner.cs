using Microsoft.Extensions.Options;
using Warnings.Core.Storage;
using Warnings.Platform.Messaging;

namespace Warnings.Platform.Hosting;

/// <summary>Logs, once the host is listening, what this process is: modules, transport, store and endpoints.</summary>
internal sealed class StartupBanner(
    IHostApplicationLifetime lifetime,
    PlatformInstance instance,
    PlatformEndpoints endpoints,
    IOptions<BusOptions> bus,
    IOptions<StoreOptions> store,
    IOptions<Warnings.Core.Audit.AuditOptions> audit,
    ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (store.Value.Kind == "Redis" && string.IsNullOrWhiteSpace(audit.Value.ChainKey))
        {
            // Without the key, whoever can write to Redis can rebuild a consistent chain (and checkpoint) after editing it.
            logger.LogWarning("Audit:ChainKey is not set: the audit chain and its checkpoint use plain SHA-256, which someone with write access to Redis can recompute. Set Audit__ChainKey (base64, 32+ bytes) in production.");
        }

        lifetime.ApplicationStarted.Register(() => logger.LogInformation(
            "Warnings platform {Instance} started. Modules: {Modules}. Transport: {Transport}. Store: {Store} (key prefix {Prefix}). gRPC: {Grpc}. HTTP: {Http}",
            instance.Name,
            string.Join(", ", instance.ModuleNames),
            bus.Value.Describe(),
            store.Value.Kind,
            store.Value.KeyPrefix,
            endpoints.Grpc,
            endpoints.Http));
        lifetime.ApplicationStopping.Register(() => logger.LogInformation("Warnings platform {Instance} stopping: finishing in-flight work", instance.Name));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
