using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Warnings.Core.Modules;

namespace Warnings.Platform.Hosting;

/// <summary>
/// Start-up mistakes an operator makes (a typo in a value, a port already taken) found before the
/// platform serves, and told in one line that names the setting.
/// </summary>
public static class StartupChecks
{
    /// <summary>True while <see cref="PlatformHost.RunAsync"/> starts the host (its failures are told in one line).</summary>
    public static volatile bool Starting;

    /// <summary>
    /// Binds every options class of the platform now, so a malformed value (<c>--Feeds:AtomMaxAge=banana</c>)
    /// stops the start instead of failing the first request that reads it.
    /// </summary>
    public static void BindEveryOption(IServiceProvider services)
    {
        foreach (var type in Registered(services))
        {
            var accessor = typeof(IOptions<>).MakeGenericType(type);
            _ = accessor.GetProperty("Value")!.GetValue(services.GetRequiredService(accessor));
        }
    }

    // The Warnings.* types configured with services.Configure<T>(section).
    private static IEnumerable<Type> Registered(IServiceProvider services) =>
        (services.GetService<PlatformServiceList>()?.Services ?? [])
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(t => t.Namespace?.StartsWith("Warnings.", StringComparison.Ordinal) == true)
            .Distinct();

    /// <summary>The one line to print for a start-up failure an operator can fix, or null for a bug.</summary>
    public static string? Explain(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PlatformConfigurationException configuration:
                    return configuration.Message;
                case InvalidOperationException { Message: var m } when m.StartsWith("Failed to convert configuration value", StringComparison.Ordinal):
                    return m; // names the value, the key ('Feeds:AtomMaxAge') and the type it must be
                case IOException { Message: var m } when m.StartsWith("Failed to bind to address", StringComparison.Ordinal):
                    return $"{m} Stop the process holding the port or choose another address with Platform:GrpcUrl / Platform:HttpUrl.";
                case SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse or SocketError.AccessDenied or SocketError.AddressNotAvailable } socket:
                    return $"cannot listen: {socket.Message}. Choose another address with Platform:GrpcUrl / Platform:HttpUrl.";
            }
        }

        return null;
    }
}

/// <summary>The service registrations the host was built with (for <see cref="StartupChecks"/>).</summary>
public sealed record PlatformServiceList(IReadOnlyList<ServiceDescriptor> Services);
