using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warnings.Testing;

namespace Warnings.Platform.Tests.Console;

/// <summary>
/// The network cut as DevTools cuts it (<c>Network.emulateNetworkConditions</c>), on the page and on
/// the console's service worker: a page's emulation does not reach the requests its worker makes,
/// so the worker's own target is attached and cut too (the attachment is held while offline, since
/// emulation ends with the DevTools session).
/// </summary>
public sealed class ConsoleOffline : IAsyncDisposable
{
    private readonly ConsoleBrowser _browser;
    private ClientWebSocket? _worker;
    private int _id;

    public ConsoleOffline(ConsoleBrowser browser) => _browser = browser;

    public async Task SetAsync(bool offline)
    {
        var conditions = new { offline, latency = 0, downloadThroughput = -1, uploadThroughput = -1 };
        await _browser.Chromium.SendAsync("Network.enable");
        await _browser.Chromium.SendAsync("Network.emulateNetworkConditions", conditions);
        _worker ??= await AttachWorkerAsync();
        await SendAsync("Network.enable", new { });
        await SendAsync("Network.emulateNetworkConditions", conditions);
    }

    private async Task<ClientWebSocket> AttachWorkerAsync()
    {
        using var http = new HttpClient();
        var worker = await Eventually.Until(async () => JsonNode.Parse(await http.GetStringAsync($"{_browser.Chromium.DevToolsHttp}/json/list"))!.AsArray()
            .FirstOrDefault(t => (string?)t!["type"] == "service_worker" && ((string?)t["url"])?.EndsWith("/console/sw.js", StringComparison.Ordinal) == true),
            t => t is not null, "the console's service worker target");
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri((string)worker!["webSocketDebuggerUrl"]!), CancellationToken.None);
        return socket;
    }

    private async Task SendAsync(string method, object parameters)
    {
        int id = Interlocked.Increment(ref _id);
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        await _worker!.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters }), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await _worker.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            var answer = JsonNode.Parse(Encoding.UTF8.GetString(message.ToArray()))!;
            if ((int?)answer["id"] == id)
            {
                if (answer["error"] is { } error)
                {
                    throw new InvalidOperationException($"{method} on the service worker: {error.ToJsonString()}");
                }

                return;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _worker?.Dispose();
        return ValueTask.CompletedTask;
    }
}
