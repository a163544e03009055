using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warnings.Core.Http;

namespace Warnings.Testing;

/// <summary>
/// A real HTTP gateway on loopback (Kestrel) standing in for an SMS centre or a broadcaster: records
/// every request per channel (<c>POST /{channel}</c>) with its idempotency key and signature, and
/// can be told to fail a channel's next requests (503, or another status). Given a path's secret (<see cref="RequireSignature"/>),
/// it verifies every request's signature as a partner's webhook receiver would, and refuses a bad one with 401.
/// </summary>
public sealed class TestGateway : IAsyncDisposable
{
    public sealed record Received(string Channel, string IdempotencyKey, string Signature, byte[] Body, long ReceivedAtTicks, string Timestamp = "");

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentDictionary<string, int> _failNext = new();
    private readonly ConcurrentDictionary<string, int> _failStatus = new();

    private TestGateway(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public IReadOnlyList<Received> Requests => _received.ToArray();

    public static async Task<TestGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var gateway = new TestGateway(app);
        app.MapPost("/{channel}", async (string channel, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            string timestamp = request.Headers[WebhookSignature.TimestampHeader].ToString();
            gateway._received.Enqueue(new Received(channel, request.Headers["Idempotency-Key"].ToString(), request.Headers[WebhookSignature.Header].ToString(), body.ToArray(),
                System.Diagnostics.Stopwatch.GetTimestamp(), timestamp));
            if (gateway._secrets.TryGetValue(channel, out var secret)
                && !WebhookSignature.Verify(secret, timestamp, body.ToArray(), request.Headers[WebhookSignature.Header], NodaTime.SystemClock.Instance.GetCurrentInstant()))
            {
                Interlocked.Increment(ref gateway._badSignatures);
                return Results.StatusCode(401);
            }

            if (gateway._delays.TryGetValue(channel, out var delay) && delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, request.HttpContext.RequestAborted); // a slow or hanging gateway
            }

            return gateway.TakeFailure(channel) ? Results.StatusCode(gateway._failStatus.GetValueOrDefault(channel, 503)) : Results.Ok();
        });
        await app.StartAsync();
        gateway.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return gateway;
    }

    private readonly ConcurrentDictionary<string, TimeSpan> _delays = new();
    private readonly ConcurrentDictionary<string, byte[]> _secrets = new();
    private int _badSignatures;

    /// <summary>Requests refused because their signature did not verify.</summary>
    public int BadSignatures => Volatile.Read(ref _badSignatures);

    /// <summary>From now on, requests to <paramref name="channel"/> must carry a valid signature under <paramref name="secret"/>.</summary>
    public void RequireSignature(string channel, string secret) => _secrets[channel] = WebhookSignature.SecretBytes(secret);

    /// <summary>Makes the channel answer only after <paramref name="delay"/> (longer than the client's timeout: it hangs).</summary>
    public void SlowDown(string channel, TimeSpan delay) => _delays[channel] = delay;

    /// <summary>Answers the channel's next <paramref name="count"/> requests with <paramref name="status"/> (503: away; 400: refused).</summary>
    public void FailNext(string channel, int count, int status = 503)
    {
        _failStatus[channel] = status;
        _failNext[channel] = count;
    }

    private bool TakeFailure(string channel)
    {
        while (_failNext.TryGetValue(channel, out int left) && left > 0)
        {
            if (_failNext.TryUpdate(channel, left - 1, left))
            {
                return true;
            }
        }

        return false;
    }

    public IReadOnlyList<Received> For(string channel) => Requests.Where(r => r.Channel == channel).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
