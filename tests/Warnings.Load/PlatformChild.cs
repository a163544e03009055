using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Warnings.Testing;

namespace Warnings.Load;

/// <summary>
/// The platform under load as its own OS process (<c>dotnet Warnings.Platform.dll</c>, as an operator
/// runs it; the same idea as the platform tests' <c>PlatformProcess</c>), on free loopback ports
/// against the load run's throwaway vhost and key prefix. Its CPU time and memory are read from
/// <c>/proc</c>, so every figure can say what it cost the platform alone, not the load driver.
/// </summary>
public sealed class PlatformChild : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    private PlatformChild(Process process, string grpcAddress, string httpAddress, string logPath)
    {
        _process = process;
        GrpcAddress = grpcAddress;
        HttpAddress = httpAddress;
        LogPath = logPath;
        _log = new StreamWriter(logPath, append: false, Encoding.UTF8) { AutoFlush = true };
        // Drained into a file: a full pipe would block the platform's logging.
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Channel = GrpcChannel.ForAddress(grpcAddress);
    }

    public string GrpcAddress { get; }

    public string HttpAddress { get; }

    public string LogPath { get; }

    public GrpcChannel Channel { get; }

    public int ProcessId => _process.Id;

    /// <summary>The platform to run: the build beside this tool, or a published one (<c>--platform-dll</c>, e.g. ReadyToRun).</summary>
    public static string Dll { get; set; } = Path.Combine(AppContext.BaseDirectory, "Warnings.Platform.dll");

    /// <summary>Starts the platform with the backplane's settings, the test identities and <paramref name="settings"/>; returns once /readyz answers 200.</summary>
    public static async Task<PlatformChild> StartAsync(Backplane backplane, string instanceName, IReadOnlyDictionary<string, string?> settings, string modules = "all", IReadOnlyDictionary<string, string?>? environment = null)
    {
        int grpc = FreePort(), http = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        var config = new Dictionary<string, string?>(backplane.Settings);
        foreach (var (key, value) in TestIdentities.Settings.Concat(settings))
        {
            config[key] = value;
        }

        config["Platform:Modules"] = modules;
        config["Platform:InstanceName"] = instanceName;
        config["Platform:GrpcUrl"] = $"http://127.0.0.1:{grpc}";
        config["Platform:HttpUrl"] = $"http://127.0.0.1:{http}";
        config["Platform:SecretsDirectory"] = Path.Combine(Path.GetTempPath(), "warnings-no-secrets");
        foreach (var (key, value) in config)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        // The garbage collector the platform is deployed with (its runtimeconfig: server GC, which
        // adapts its heaps to the load), not one of the tool's choosing; DOTNET_gcServer=0 in the
        // tool's environment reaches the child, to compare.
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        string log = Path.Combine(Path.GetTempPath(), $"warnings-load-{instanceName}.log");
        var child = new PlatformChild(Process.Start(start)!, $"http://127.0.0.1:{grpc}", $"http://127.0.0.1:{http}", log);
        try
        {
            await child.WaitUntilReadyAsync();
        }
        catch
        {
            await child.DisposeAsync(); // never leave an orphan platform behind
            throw;
        }

        return child;
    }

    private async Task WaitUntilReadyAsync()
    {
        await Eventually.Until(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The platform exited with {_process.ExitCode} while starting; see {LogPath}.");
            }

            try
            {
                using var response = await _http.GetAsync($"{HttpAddress}/readyz");
                return response.IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false; // not listening yet
            }
        }, ready => ready, $"the platform's /readyz (log {LogPath})", TimeSpan.FromSeconds(240));
    }

    /// <summary>A gRPC client calling as <paramref name="role"/>'s test principal.</summary>
    public T Client<T>(Func<CallInvoker, T> create, string role) => create(WithAuthorization($"ApiKey {TestIdentities.Keys[role]}"));

    public CallInvoker WithAuthorization(string value) => Channel.Intercept(metadata =>
    {
        metadata.Add("authorization", value);
        return metadata;
    });

    /// <summary>User + system CPU time the process has used so far (<c>/proc/{pid}/stat</c>, fields 14 and 15).</summary>
    public TimeSpan CpuTime() => MachineCpu.CpuTimeOf(_process.Id);

    /// <summary>Resident memory in bytes (<c>VmRSS</c> of <c>/proc/{pid}/status</c>).</summary>
    public long ResidentBytes()
    {
        string line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>SIGTERM (a graceful stop: the relay lease is released), then waits for the exit.</summary>
    public async Task StopAsync()
    {
        Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    private void Write(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}
