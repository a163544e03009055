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
    ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
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
