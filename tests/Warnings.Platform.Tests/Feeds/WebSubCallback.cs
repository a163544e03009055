using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Warnings.Platform.Tests.Feeds;

/// <summary>
/// WebSub subscribers' callbacks on loopback (Kestrel), one per path name: answers the hub's
/// verification GETs by echoing <c>hub.challenge</c> (unless told to refuse) and records them, and
/// records every content distribution POST with its headers and exact body bytes.
/// </summary>
public sealed class WebSubCallback : IAsyncDisposable
{
    public sealed record Verification(string Name, string Mode, string Topic, string Challenge, string LeaseSeconds, string Reason);

    public sealed record Distribution(string Name, byte[] Body, string ContentType, IReadOnlyList<string> Links, string Signature)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Body);
    }

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Verification> _verifications = new();
    private readonly ConcurrentQueue<Distribution> _distributions = new();
    private readonly ConcurrentDictionary<string, bool> _refuse = new();

    private WebSubCallback(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public IReadOnlyList<Verification> Verifications => _verifications.ToArray();

    public IReadOnlyList<Distribution> Distributions => _distributions.ToArray();

    public IReadOnlyList<Distribution> To(string name) => Distributions.Where(d => d.Name == name).ToList();

    /// <summary>Makes <paramref name="name"/> answer verifications with 404 (the subscriber did not ask).</summary>
    public void Refuse(string name) => _refuse[name] = true;

    public static async Task<WebSubCallback> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var callback = new WebSubCallback(app);
        app.MapGet("/{name}", (string name, HttpRequest request) =>
        {
            var q = request.Query;
            callback._verifications.Enqueue(new Verification(name, q["hub.mode"].ToString(), q["hub.topic"].ToString(), q["hub.challenge"].ToString(), q["hub.lease_seconds"].ToString(), q["hub.reason"].ToString()));
            return callback._refuse.ContainsKey(name) ? Results.NotFound() : Results.Text(q["hub.challenge"].ToString(), "text/plain");
        });
        app.MapPost("/{name}", async (string name, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            callback._distributions.Enqueue(new Distribution(name, body.ToArray(), request.ContentType ?? "",
                request.Headers["Link"].SelectMany(l => (l ?? "").Split(", <")).Select(l => l.StartsWith('<') ? l : "<" + l).ToList(), request.Headers["X-Hub-Signature"].ToString()));
            return Results.NoContent();
        });
        await app.StartAsync();
        callback.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return callback;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
