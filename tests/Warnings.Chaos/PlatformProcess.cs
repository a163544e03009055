using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Warnings.Testing;

namespace Warnings.Chaos;

/// <summary>
/// The platform (every module) as its own OS process on fixed loopback ports, so it can be SIGKILLed
/// and started again at the same address. Development keys are on, written to a file in the data folder.
/// </summary>
public sealed class PlatformProcess : IAsyncDisposable
{
    public static readonly string[] Channels = ["sms", "network_sms", "cell_broadcast", "tv", "radio", "website", "social_media", "app_push", "outdoor_screen", "siren"];

    private readonly string _dll;
    private readonly Dictionary<string, string?> _environment;
    private readonly int _httpPort;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private Process? _process;

    /// <param name="instance">
    /// Null for the platform the load calls; a short suffix ("b") for another instance of the same
    /// platform beside it: same vhost, key prefix, gateways and keys, its own ports, log and instance name.
    /// </param>
    public PlatformProcess(string dll, IChaosInfrastructure infrastructure, string virtualHost, string keyPrefix, string gatewayUrl, string logPath, string? instance = null)
    {
        _dll = dll;
        LogPath = logPath;
        KeyPrefix = keyPrefix;
        Name = instance is null ? "platform" : $"platform-{instance}";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        DevKeysFile = Path.Combine(infrastructure.DataDirectory, "dev-api-keys.json");
        int grpcPort = ChildProcesses.FreePort();
        _httpPort = ChildProcesses.FreePort();
        GrpcAddress = $"http://127.0.0.1:{grpcPort}";
        _environment = new Dictionary<string, string?>
        {
            ["Platform__InstanceName"] = instance is null ? $"chaos-{keyPrefix}" : $"chaos-{keyPrefix}-{instance}",
            ["Platform__GrpcUrl"] = GrpcAddress,
            ["Platform__HttpUrl"] = $"http://127.0.0.1:{_httpPort}",
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__RabbitMq__Host"] = "127.0.0.1",
            ["Bus__RabbitMq__Port"] = infrastructure.RabbitMqPort.ToString(CultureInfo.InvariantCulture),
            ["Bus__RabbitMq__VirtualHost"] = virtualHost,
            ["Redis__Configuration"] = $"127.0.0.1:{infrastructure.RedisPort}",
            ["Store__KeyPrefix"] = keyPrefix,
            ["Identity__DevKeys__Enabled"] = "true",
            ["Identity__DevKeys__File"] = DevKeysFile,
            // The load is one principal per role at well over the default 600 mutating calls a minute.
            ["Identity__RateLimit__MutatingCallsPerMinute"] = "1000000",
            ["Identity__RateLimit__Burst"] = "100000",
            ["DOTNET_gcServer"] = "0",
        };
        // The municipal (SEMB) approver network-wide SMS needs is not among the dev keys: a JWT from the test issuer.
        foreach (var (key, value) in TestIdentities.Settings.Where(s => s.Key.StartsWith("Identity:Jwt:", StringComparison.Ordinal)))
        {
            _environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        foreach (var channel in Channels)
        {
            _environment[$"Dispatch__Gateways__{channel}__Url"] = $"{gatewayUrl}/{channel}";
            _environment[$"Dispatch__Gateways__{channel}__Secret"] = "chaos";
        }
    }

    /// <summary>How the harness's log calls this instance: "platform", or "platform-b" for another one beside it.</summary>
    public string Name { get; }

    public string KeyPrefix { get; }

    public string GrpcAddress { get; }

    public string LogPath { get; }

    public string DevKeysFile { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The process id while it runs: the platform's relay puts it in its lease's owner string.</summary>
    public int? Pid => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>Starts the process; the Stopwatch timestamp at which /readyz first answered 200.</summary>
    public async Task<long> StartAsync()
    {
        await File.AppendAllTextAsync(LogPath, $"{Environment.NewLine}===== chaos harness: starting the platform at {NodaTime.SystemClock.Instance.GetCurrentInstant()} ====={Environment.NewLine}");
        _process = ChildProcesses.StartLogged("dotnet", [_dll], LogPath, _environment);
        var process = _process;
        return await ChildProcesses.WaitUntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The platform exited with {process.ExitCode} while starting; see {LogPath}.");
            }

            return await ReadyAsync();
        }, TimeSpan.FromSeconds(120), $"the platform's /readyz (log {LogPath})");
    }

    public async Task<bool> ReadyAsync()
    {
        try
        {
            using var response = await _http.GetAsync($"http://127.0.0.1:{_httpPort}/readyz");
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL; the Stopwatch timestamp of the kill.</summary>
    public async Task<long> KillAsync()
    {
        long at = Stopwatch.GetTimestamp();
        await ChildProcesses.KillHardAsync(_process!.Id);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
        return at;
    }

    /// <summary>
    /// SIGSTOP, then SIGCONT after <paramref name="pause"/>: a frozen process (a paused VM, a long
    /// stop-the-world pause) that comes back with its leases lapsed and its connections as the
    /// broker and Redis left them. The Stopwatch timestamp of the stop.
    /// </summary>
    public async Task<long> FreezeAsync(TimeSpan pause)
    {
        if (!IsRunning)
        {
            throw new InvalidOperationException("The platform is not running: nothing to freeze.");
        }

        int pid = _process!.Id;
        long at = Stopwatch.GetTimestamp();
        await ChildProcesses.SignalAsync(pid, "STOP");
        try
        {
            await Task.Delay(pause);
        }
        finally
        {
            await ChildProcesses.SignalAsync(pid, "CONT");
        }

        return at;
    }

    /// <summary>
    /// SIGTERM, as an orchestrator stops an instance: the host finishes its work, frees its relay lease
    /// and exits. Its exit code, or null when it had not exited within <paramref name="patience"/> and was SIGKILLed.
    /// </summary>
    public async Task<int?> StopAsync(TimeSpan patience)
    {
        if (_process is null)
        {
            return null;
        }

        var process = _process;
        _process = null;
        using (process)
        {
            if (!process.HasExited)
            {
                await ChildProcesses.SignalAsync(process.Id, "TERM");
            }

            using var timeout = new CancellationTokenSource(patience);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
                return process.ExitCode;
            }
            catch (OperationCanceledException)
            {
                await ChildProcesses.KillHardAsync(process.Id);
                await process.WaitForExitAsync();
                return null;
            }
        }
    }

    /// <summary>
    /// How many outbox events this instance's relay has published since it started (the
    /// <c>warnings.outbox.published</c> counter on its <c>/metrics</c>); null when it does not answer.
    /// </summary>
    public async Task<long?> RelayedEventsAsync()
    {
        try
        {
            string metrics = await _http.GetStringAsync($"http://127.0.0.1:{_httpPort}/metrics");
            // One series per label set; absent until the first publish.
            return Regex.Matches(metrics, @"^warnings_outbox_published_total(?:\{[^}]*\})? ([0-9.e+]+)", RegexOptions.Multiline)
                .Sum(m => (long)double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The API key of each role, from the development keys file the platform wrote on its first start.</summary>
    public IReadOnlyDictionary<string, string> ApiKeys()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(DevKeysFile));
        return document.RootElement.EnumerateArray().ToDictionary(k => k.GetProperty("role").GetString()!, k => k.GetProperty("apiKey").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            // The scenario's measurements are taken: how this process ends no longer matters (Kill is SIGKILL).
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _http.Dispose();
    }
}
