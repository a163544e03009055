using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Warnings.Testing;

/// <summary>
/// Debian's Chromium, headless, driven over the DevTools protocol (a WebSocket, no extra packages):
/// navigate, evaluate JavaScript, take screenshots. Started with no sandbox and no background
/// networking (this machine's network is closed), in a throwaway profile.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _problems = new();
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The DevTools HTTP endpoint (<c>http://127.0.0.1:port</c>), to reach other targets (a service worker).</summary>
    public string DevToolsHttp { get; private set; } = "";

    /// <summary>The browser: <c>WARNINGS_TEST_CHROMIUM</c>, else /usr/bin/chromium (<c>infra/dev.sh install</c> puts it there).</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("WARNINGS_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static async Task<HeadlessChromium> StartAsync(int width = 1600, int height = 900)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"No Chromium at {ExecutablePath}: run infra/dev.sh install (it apt-installs chromium).");
        }

        string profile = Directory.CreateTempSubdirectory("warnings-chromium-").FullName;
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
                $"--user-data-dir={profile}", $"--window-size={width},{height}", "about:blank",
            },
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new HeadlessChromium(process, profile);

        // Chromium writes the port it chose into the profile once it listens.
        string portFile = Path.Combine(profile, "DevToolsActivePort");
        string[] lines = await Eventually.Until(() => Task.FromResult(File.Exists(portFile) ? File.ReadAllLines(portFile) : []), l => l.Length >= 1, "Chromium's DevTools port");
        browser.DevToolsHttp = $"http://127.0.0.1:{lines[0]}";
        using var http = new HttpClient();
        var targets = await Eventually.Until(async () => JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{lines[0]}/json/list"))!.AsArray(),
            t => t.Any(x => (string?)x!["type"] == "page"), "a page target");
        string page = (string)targets.First(x => (string?)x!["type"] == "page")!["webSocketDebuggerUrl"]!;
        await browser._socket.ConnectAsync(new Uri(page), CancellationToken.None);
        await browser.SendAsync("Page.enable");
        await browser.SendAsync("Runtime.enable");
        await browser.SendAsync("Log.enable");
        return browser;
    }

    /// <summary>Sends a DevTools command and returns its result (events in between are skipped).</summary>
    public async Task<JsonNode> SendAsync(string method, object? parameters = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        byte[] request = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        await _socket.SendAsync(request, WebSocketMessageType.Text, true, timeout.Token);
        while (true)
        {
            var message = JsonNode.Parse(await ReceiveAsync(timeout.Token))!;
            Observe(message);
            if ((int?)message["id"] == id)
            {
                return message["error"] is { } error ? throw new InvalidOperationException($"{method}: {error.ToJsonString()}") : message["result"]!;
            }
        }
    }

    public Task NavigateAsync(string url) => SendAsync("Page.navigate", new { url });

    /// <summary>
    /// What the page reported as going wrong so far: uncaught exceptions, console.error calls and the
    /// browser's own error log (failed loads, CSP violations). Seen while commands are exchanged.
    /// </summary>
    public IReadOnlyList<string> Problems => _problems.ToArray();

    /// <summary>Forgets the problems seen so far (after an expected refusal).</summary>
    public void ClearProblems() => _problems.Clear();

    /// <summary>A left click at viewport coordinates, as a mouse makes it (move, press, release).</summary>
    public async Task ClickAsync(double x, double y)
    {
        foreach (string type in new[] { "mouseMoved", "mousePressed", "mouseReleased" })
        {
            await SendAsync("Input.dispatchMouseEvent", new { type, x, y, button = type == "mouseMoved" ? "none" : "left", clickCount = 1 });
        }
    }

    /// <summary>Emulates a screen of this size (CSS pixels).</summary>
    public Task SetViewportAsync(int width, int height) =>
        SendAsync("Emulation.setDeviceMetricsOverride", new { width, height, deviceScaleFactor = 1, mobile = false });

    private void Observe(JsonNode message)
    {
        switch ((string?)message["method"])
        {
            case "Runtime.exceptionThrown":
                _problems.Enqueue($"exception: {message["params"]!["exceptionDetails"]!.ToJsonString()}");
                break;
            case "Runtime.consoleAPICalled" when (string?)message["params"]!["type"] == "error":
                _problems.Enqueue($"console.error: {message["params"]!["args"]!.ToJsonString()}");
                break;
            case "Log.entryAdded" when (string?)message["params"]!["entry"]!["level"] == "error":
                _problems.Enqueue($"{message["params"]!["entry"]!["text"]} {message["params"]!["entry"]!["url"]}");
                break;
        }
    }

    /// <summary>The value of a JavaScript expression in the page (promises awaited).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        return result["exceptionDetails"] is { } exception ? throw new InvalidOperationException($"{expression}: {exception.ToJsonString()}") : result["result"]!["value"];
    }

    /// <summary>Polls <paramref name="expression"/> until it is true (errors while the page loads count as not yet).</summary>
    public Task UntilAsync(string expression, string what) => Eventually.Until(async () =>
    {
        try
        {
            return (bool?)await EvaluateAsync(expression) == true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }, ok => ok, what);

    /// <summary>Saves a PNG of the viewport to <paramref name="path"/>.</summary>
    public async Task ScreenshotAsync(string path)
    {
        var shot = await SendAsync("Page.captureScreenshot", new { format = "png" });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String((string)shot["data"]!));
    }

    private async Task<string> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, cancellationToken);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return Encoding.UTF8.GetString(message.ToArray());
    }

    /// <summary>Where tests leave files for people: <c>WARNINGS_TEST_ARTIFACTS</c> (set by infra/dev.sh test), else a temp folder.</summary>
    public static string ArtifactPath(string name) =>
        Path.Combine(Environment.GetEnvironmentVariable("WARNINGS_TEST_ARTIFACTS") is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "warnings-test-artifacts"), name);

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
