using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using Warnings.Platform.Hosting;

namespace Warnings.Testing;

/// <summary>
/// The real platform host, booted in this test process on ephemeral loopback ports, against a
/// <see cref="Backplane"/>. Clients talk to it over real gRPC (HTTP/2) and HTTP/1.1 sockets.
/// </summary>
public sealed class TestPlatform : IAsyncDisposable
{
    private TestPlatform(WebApplication app)
    {
        App = app;
        var endpoints = app.Services.GetRequiredService<PlatformEndpoints>();
        GrpcAddress = endpoints.Grpc;
        HttpAddress = endpoints.Http;
        Channel = GrpcChannel.ForAddress(GrpcAddress);
        Http = new HttpClient { BaseAddress = new Uri(HttpAddress) };
    }

    public WebApplication App { get; }

    public string GrpcAddress { get; }

    public string HttpAddress { get; }

    public GrpcChannel Channel { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>
    /// Starts a platform. <paramref name="modules"/> as for <c>--modules</c>; <paramref name="clock"/>
    /// replaces the system clock; <paramref name="settings"/> override anything else.
    /// </summary>
    public static async Task<TestPlatform> StartAsync(
        Backplane backplane,
        string modules = "all",
        string? instanceName = null,
        IClock? clock = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var config = new Dictionary<string, string?>(backplane.Settings)
        {
            ["Platform:Modules"] = modules,
            ["Platform:GrpcUrl"] = "http://127.0.0.1:0",
            ["Platform:HttpUrl"] = "http://127.0.0.1:0",
            ["Platform:InstanceName"] = instanceName ?? $"test-{Guid.NewGuid():N}"[..13],
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var app = PlatformHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            if (clock is not null)
            {
                builder.Services.AddSingleton(clock);
            }
        });
        await app.StartAsync();
        return new TestPlatform(app);
    }

    public T Client<T>(Func<GrpcChannel, T> create) => create(Channel);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
