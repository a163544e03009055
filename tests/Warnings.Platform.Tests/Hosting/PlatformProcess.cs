using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Warnings.Testing;

namespace Warnings.Platform.Tests.Hosting;

/// <summary>
/// The platform as an operator starts it: its own OS process (<c>dotnet Warnings.Platform.dll</c>),
/// embedded bus and store, the test identities as environment variables, output captured by line.
/// </summary>
public sealed class PlatformProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private PlatformProcess(Process process, int grpcPort, int httpPort)
    {
        _process = process;
        GrpcAddress = $"http://127.0.0.1:{grpcPort}";
        HttpAddress = $"http://127.0.0.1:{httpPort}";
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (_stdout) { _stdout.Add(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (_stderr) { _stderr.Add(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string GrpcAddress { get; }

    public string HttpAddress { get; }

    public Process Process => _process;

    public IReadOnlyList<string> Stdout { get { lock (_stdout) { return [.. _stdout]; } } }

    public IReadOnlyList<string> Stderr { get { lock (_stderr) { return [.. _stderr]; } } }

    public static PlatformProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, int? grpcPort = null)
    {
        int grpc = grpcPort ?? FreePort(), http = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // not the test runner's stdin
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Warnings.Platform.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Platform__GrpcUrl"] = $"http://127.0.0.1:{grpc}";
        start.Environment["Platform__HttpUrl"] = $"http://127.0.0.1:{http}";
        start.Environment["Platform__SecretsDirectory"] = Path.Combine(Path.GetTempPath(), "warnings-no-secrets");
        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in TestIdentities.Settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        return new PlatformProcess(Process.Start(start)!, grpc, http);
    }

    /// <summary>Waits (polling) until /healthz answers.</summary>
    public async Task WaitUntilServingAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.Until(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The platform exited with {_process.ExitCode}: {string.Join('\n', Stderr.TakeLast(20))}");
            }

            try
            {
                return (await http.GetAsync($"{HttpAddress}/healthz")).StatusCode == HttpStatusCode.OK;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false; // not listening yet, or too slow to answer on a loaded machine: ask again
            }
        }, up => up, "the platform process answering /healthz", TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGTERM, as systemd, Docker and Kubernetes stop a service.</summary>
    public void Terminate() => Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
