using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using Warnings.Core.Identity;
using Warnings.Platform.Hosting;

namespace Warnings.Testing;

/// <summary>
/// The real platform host, booted in this test process on ephemeral loopback ports, against a
/// <see cref="Backplane"/>. Clients talk to it over real gRPC (HTTP/2) and HTTP/1.1 sockets.
/// </summary>
public sealed class TestPlatform : IAsyncDisposable
{
    private TestPlatform(WebApplication app, X509Certificate2? trustedCertificate)
    {
        App = app;
        var endpoints = app.Services.GetRequiredService<PlatformEndpoints>();
        GrpcAddress = endpoints.Grpc;
        HttpAddress = endpoints.Http;
        Channel = GrpcChannel.ForAddress(GrpcAddress, new GrpcChannelOptions { HttpHandler = Handler(trustedCertificate) });
        Http = new HttpClient(Handler(trustedCertificate)) { BaseAddress = new Uri(HttpAddress) };
    }

    public WebApplication App { get; }

    public string GrpcAddress { get; }

    public string HttpAddress { get; }

    public GrpcChannel Channel { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>
    /// Starts a platform. <paramref name="modules"/> as for <c>--modules</c>; <paramref name="clock"/>
    /// replaces the system clock; <paramref name="settings"/> override anything else;
    /// <paramref name="tls"/> (a PKCS#12 file and its certificate) makes both endpoints https;
    /// <paramref name="services"/> adds or replaces services (e.g. a telemetry exporter).
    /// </summary>
    public static async Task<TestPlatform> StartAsync(
        Backplane backplane,
        string modules = "all",
        string? instanceName = null,
        IClock? clock = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        (string PfxPath, X509Certificate2 Certificate)? tls = null,
        Action<IServiceCollection>? services = null)
    {
        string scheme = tls is null ? "http" : "https";
        var config = new Dictionary<string, string?>(backplane.Settings)
        {
            ["Platform:Modules"] = modules,
            ["Platform:GrpcUrl"] = $"{scheme}://127.0.0.1:0",
            ["Platform:HttpUrl"] = $"{scheme}://127.0.0.1:0",
            ["Platform:Certificate:Path"] = tls?.PfxPath,
            ["Platform:InstanceName"] = instanceName ?? $"test-{Guid.NewGuid():N}"[..13],
        };
        foreach (var (key, value) in TestIdentities.Settings)
        {
            config[key] = value;
        }

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

            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        // As a real deployment waits for /readyz: tests start from a warmed-up instance, and the
        // warm-up's short-lived keys are gone before a test looks at the store.
        if (app.Services.GetService<Warnings.Core.Hosting.WarmUp>() is { } warmUp)
        {
            await warmUp.Done.WaitAsync(Warnings.Core.Hosting.WarmUp.Limit + TimeSpan.FromSeconds(5));
        }

        return new TestPlatform(app, tls?.Certificate);
    }

    /// <summary>A gRPC client calling as <paramref name="role"/>'s test principal (<c>null</c>: no credentials).</summary>
    public T Client<T>(Func<CallInvoker, T> create, string? role = Roles.Operator) =>
        create(role is null ? Channel.CreateCallInvoker() : WithAuthorization($"ApiKey {TestIdentities.Keys[role]}"));

    /// <summary>A call invoker that sends <c>authorization: {value}</c> on every call.</summary>
    public CallInvoker WithAuthorization(string value) => Channel.Intercept(metadata =>
    {
        metadata.Add("authorization", value);
        return metadata;
    });

    private static SocketsHttpHandler Handler(X509Certificate2? trusted)
    {
        var handler = new SocketsHttpHandler();
        if (trusted is not null)
        {
            // Trust exactly the certificate the test made, nothing else.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString() == trusted.GetCertHashString();
        }

        return handler;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
