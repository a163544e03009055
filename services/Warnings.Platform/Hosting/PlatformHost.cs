using Warnings.Core.Modules;
using Warnings.Platform.Rest;
using NodaTime;
using Warnings.Core.Commands;
using Warnings.Core.Grpc;
using Warnings.Core.Http;
using Warnings.Core.Identity;
using Warnings.Core.Storage;
using Warnings.Platform.Diagnostics;
using Warnings.Platform.Identity;
using Warnings.Platform.Messaging;
using Warnings.Platform.Modules;

namespace Warnings.Platform.Hosting;

/// <summary>
/// Builds and runs the one host. Tests call <see cref="Build"/> with their own configuration (ports 0,
/// a throwaway vhost and key prefix, a FakeClock) and get the same host that production runs.
/// </summary>
public static class PlatformHost
{
    /// <summary>
    /// Runs until shut down (0). <c>--help</c> prints the settings (0). A bad setting, or a port that
    /// cannot be bound, prints one line naming it and returns 2: no stack trace for an operator's typo.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (SettingsHelp.IsRequested(args))
        {
            Console.Out.Write(SettingsHelp.Text());
            return 0;
        }

        WebApplication app;
        try
        {
            app = Build(args);
            StartupChecks.BindEveryOption(app.Services);
            StartupChecks.Starting = true;
            await app.StartAsync();
        }
        catch (Exception e) when (StartupChecks.Explain(e) is { } line)
        {
            Console.Error.WriteLine($"warnings-platform: {line}");
            return 2;
        }
        finally
        {
            StartupChecks.Starting = false;
        }

        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>
    /// The configured host, not started. <paramref name="configure"/> runs before any setting is read,
    /// so it can add configuration sources and replace services (IClock).
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // Secrets as files (key-per-file: /run/secrets/Redis__Configuration...), then the command line.
        string? secrets = builder.Configuration["Platform:SecretsDirectory"] ?? (Directory.Exists("/run/secrets") ? "/run/secrets" : null);
        if (!string.IsNullOrWhiteSpace(secrets))
        {
            builder.Configuration.AddKeyPerFile(Path.GetFullPath(secrets), optional: true);
        }

        builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--modules"] = "Platform:Modules" });
        builder.Services.AddSingleton<IClock>(SystemClock.Instance);
        configure?.Invoke(builder);

        var configuration = builder.Configuration;
        var platform = configuration.GetSection(PlatformOptions.Section).Get<PlatformOptions>() ?? new PlatformOptions();
        var busOptions = configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();
        _ = busOptions.EffectiveTransport; // fail now, with a clear message, on a bad Bus:Transport
        var modules = ModuleCatalog.Select(platform.Modules);

        ConfigureLogging(builder);
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(45));

        var endpoints = new PlatformEndpoints();
        builder.WebHost.ConfigureKestrel(kestrel => endpoints.Configure(kestrel, platform));

        var services = builder.Services;
        services.AddSingleton(endpoints);
        services.AddSingleton(sp => new PlatformInstance(
            platform.InstanceName ?? $"{Environment.MachineName}-{Environment.ProcessId}",
            modules,
            sp.GetRequiredService<IClock>().GetCurrentInstant()));
        services.Configure<BusOptions>(configuration.GetSection(BusOptions.Section));
        services.AddPlatformStore(configuration);
        services.AddPlatformBus(busOptions, modules);
        services.AddPlatformCommands(configuration);
        services.AddPlatformHealth();
        services.AddPlatformIdentity(configuration);
        services.AddGrpc(o =>
        {
            // Outermost first: errors are mapped after access control has audited the outcome.
            o.Interceptors.Add<ErrorMappingInterceptor>();
            o.Interceptors.Add<AccessInterceptor>();
            o.EnableDetailedErrors = false;
        }).AddJsonTranscoding(o =>
            // REST errors carry the same google.rpc details as gRPC ones (ErrorInfo, BadRequest...).
            o.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor));
        services.AddPlatformRest();
        services.AddPlatformTelemetry(configuration, platform.InstanceName ?? $"{Environment.MachineName}-{Environment.ProcessId}");
        services.AddGrpcReflection();
        services.AddSingleton<ProbeReceipts>();
        services.AddHostedService<StartupBanner>();
        foreach (var module in modules)
        {
            module.AddServices(services, configuration);
        }

        services.AddPlatformWarmUp(); // after the modules: it runs their steps once they are started
        services.AddSingleton(_ => new PlatformServiceList([.. services]));
        var app = builder.Build();
        app.UseMiddleware<Warnings.Core.Grpc.MalformedRequestMiddleware>();
        app.UseHttpPortConventions(); // HEAD as GET, WWW-Authenticate, one error shape (before routing: unknown paths too)
        app.UseRouting(); // so the next middleware sees which endpoint (stream or not) a request is for
        app.UseStreamsEndOnShutdown();
        app.UsePlatformRestDocs();
        app.UseAuthentication();
        app.UsePlatformRestGuard();
        app.UseAuthorization();
        app.MapPlatformHealth();
        app.MapPlatformMetrics();
        app.MapGrpcReflectionService();
        app.MapGrpcService<DiagnosticsGrpcService>();
        app.MapGrpcService<IdentityGrpcService>();
        app.MapGrpcService<AuditGrpcService>();
        app.MapIdentityHttp();
        foreach (var module in modules)
        {
            module.MapEndpoints(app);
        }

        return app;
    }

    // One line per event by default; Logging__Console__FormatterName=json gives structured JSON lines.
    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        // grpc-dotnet logs a request message it cannot parse (before any interceptor) with its stack
        // trace at Error, per request; every service-method exception is logged by ErrorMappingInterceptor
        // instead, so this category would only repeat that (see MalformedRequestMiddleware).
        builder.Logging.AddFilter("Grpc.AspNetCore.Server.ServerCallHandler", LogLevel.Critical);
        // A start-up failure is told in one line by RunAsync (StartupChecks); the host's own report
        // of it is a stack trace an operator cannot act on. Failures after start still log at Error.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => level < LogLevel.Error || !StartupChecks.Starting);
        // AddConsole takes the formatter from Logging:Console:FormatterName ("simple" when unset); the
        // Add*Console helpers would each force their own, which made "json" impossible to choose.
        // Without a formatter name the console logger falls back to its legacy options and ignores
        // the simple formatter's; "simple" unless configured.
        builder.Logging.AddConsole(o => o.FormatterName ??= Microsoft.Extensions.Logging.Console.ConsoleFormatterNames.Simple);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.SimpleConsoleFormatterOptions>(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
        });
    }
}
