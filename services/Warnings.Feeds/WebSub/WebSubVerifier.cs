using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using Warnings.Feeds.Webhooks;

namespace Warnings.Feeds.WebSub;

/// <summary>
/// Verifies the intent of accepted hub requests (WebSub 5.3): a GET to the callback with
/// <c>hub.mode</c>, <c>hub.topic</c>, <c>hub.challenge</c> and, to subscribe, the granted
/// <c>hub.lease_seconds</c>; only a 2xx whose body is the challenge confirms, and only then is the
/// subscription stored (or renewed, or removed). A subscription that no longer fits the hub's
/// bound is denied with <c>hub.mode=denied</c> (WebSub 5.2). Requests wait in a bounded queue of
/// this instance: one lost to a restart is simply not confirmed, and the subscriber asks again.
/// </summary>
public sealed class WebSubVerifier(WebSubSubscriptions subscriptions, IHttpClientFactory clients, FeedsOptions options, IClock clock, ILogger<WebSubVerifier> logger) : BackgroundService
{
    private const int Workers = 4;
    private const int MaxChallengeResponseBytes = 1024;

    private readonly Channel<WebSubRequest> _pending = Channel.CreateBounded<WebSubRequest>(new BoundedChannelOptions(Math.Max(1, options.WebSub.MaxPendingVerifications)) { FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues <paramref name="request"/>; false when the queue is full.</summary>
    public bool TryEnqueue(WebSubRequest request) => _pending.Writer.TryWrite(request);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var request in _pending.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await VerifyAsync(request, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Verifying a WebSub {Mode} of {Topic} failed", request.Mode, request.TopicUrl);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task VerifyAsync(WebSubRequest request, CancellationToken cancellationToken)
    {
        string id = WebSubSubscriptions.IdOf(request.Topic, request.BaseUrl, request.Callback);
        string challenge = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        var query = new Dictionary<string, string?> { ["hub.mode"] = request.Mode, ["hub.topic"] = request.TopicUrl, ["hub.challenge"] = challenge };
        if (request.Mode == WebSubRequest.Subscribe)
        {
            query["hub.lease_seconds"] = ((long)request.Lease.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        if (!await ConfirmsAsync(QueryHelpers.AddQueryString(request.Callback.AbsoluteUri, query), challenge, cancellationToken))
        {
            logger.LogInformation("WebSub {Mode} of {Topic} not confirmed by its callback", request.Mode, request.TopicUrl);
            return;
        }

        if (request.Mode == WebSubRequest.Unsubscribe)
        {
            await subscriptions.RemoveAsync(id);
            return;
        }

        var now = clock.GetCurrentInstant();
        var subscription = new WebSubSubscription(id, request.TopicUrl, request.Topic, request.BaseUrl, request.Callback.AbsoluteUri, request.Secret, now, now + request.Lease);
        if (!await subscriptions.SaveAsync(subscription, options.WebSub.MaxSubscriptions))
        {
            await DenyAsync(request, "the hub has reached its limit of subscriptions", cancellationToken);
        }
    }

    /// <summary>True when the callback answers 2xx with exactly the challenge (read no further than needed).</summary>
    private async Task<bool> ConfirmsAsync(string url, string challenge, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await clients.CreateClient(WebhookDelivery.HttpClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxChallengeResponseBytes];
            int read = 0;
            while (read < buffer.Length && await body.ReadAsync(buffer.AsMemory(read), cancellationToken) is var n and > 0)
            {
                read += n;
            }

            return System.Text.Encoding.UTF8.GetString(buffer, 0, read) == challenge;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or WebhookDestinationNotAllowedException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("WebSub verification GET failed: {Failure}", WebhookDelivery.FailureClass(e));
            return false;
        }
    }

    private async Task DenyAsync(WebSubRequest request, string reason, CancellationToken cancellationToken)
    {
        var query = new Dictionary<string, string?> { ["hub.mode"] = "denied", ["hub.topic"] = request.TopicUrl, ["hub.reason"] = reason };
        try
        {
            using var response = await clients.CreateClient(WebhookDelivery.HttpClientName).GetAsync(QueryHelpers.AddQueryString(request.Callback.AbsoluteUri, query), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or WebhookDestinationNotAllowedException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("WebSub denial GET failed: {Failure}", WebhookDelivery.FailureClass(e));
        }
    }
}
