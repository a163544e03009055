using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using Warnings.Core.Storage;
using Warnings.Feeds.Feed;
using Warnings.Feeds.Http;
using Warnings.Feeds.Webhooks;

namespace Warnings.Feeds.WebSub;

/// <summary>
/// Content distribution (WebSub 7): every feed entry that changes a public feed (a publication,
/// update, lift or expiry, as appended by <see cref="FeedAppender"/>) is followed by a POST of the
/// whole feed, as <c>GET</c> would show it then, to each live subscription of a topic the entry
/// belongs to, with <c>Link</c> headers (hub, self) and, when the subscriber gave a secret,
/// <c>X-Hub-Signature: sha256=...</c>. Every instance follows the feed, and
/// <see cref="IStateStore.ClaimOnceAsync"/> per subscription and entry lets exactly one of them
/// send it. A failed POST is retried with doubling back-off up to <see cref="WebSubOptions.MaxAttempts"/>,
/// and given up early when a newer change for the same subscription is on its way (it carries the
/// whole feed anyway); a 410 Gone ends the subscription. Subscriptions whose lease ran out get
/// nothing and are removed.
/// </summary>
public sealed class WebSubDistributor(
    FeedStream feed, WebSubSubscriptions subscriptions, AtomFeedRenderer renderer, IStateStore store, IHttpClientFactory clients,
    FeedsOptions options, IClock clock, ILogger<WebSubDistributor> logger) : BackgroundService
{
    public const string SignatureHeader = "X-Hub-Signature";

    private const int MaxConcurrentDeliveries = 16;
    private static readonly StoreKey Cursor = new("websub-cursor", "all");
    private static readonly Duration RememberSent = Duration.FromDays(2);

    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly SemaphoreSlim _slots = new(MaxConcurrentDeliveries, MaxConcurrentDeliveries);
    private readonly ConcurrentDictionary<string, long> _newest = new();
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>The <c>X-Hub-Signature</c> value: HMAC-SHA256 of the exact body, keyed with the subscriber's secret (UTF-8).</summary>
    public static string Sign(string secret, byte[] body) => $"sha256={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body))}";

    private static StoreKey Sent(string subscription, long sequence) => new("websub-sent", $"{subscription}:{FeedStream.TokenOf(sequence)}");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long position;
        while (true)
        {
            try
            {
                await store.SubscribeAsync(FeedStream.NudgeChannel, _ => Release(_wake));
                long last = await feed.LastSequenceAsync();
                long cursor = long.TryParse(await store.GetAsync(Cursor), NumberStyles.None, CultureInfo.InvariantCulture, out long c) ? c : last;
                // After a long stop, the newest changes only: each distribution carries the whole feed.
                position = Math.Max(Math.Min(cursor, last), last - FeedStream.PageSize);
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "The feed is not readable yet; WebSub distribution retries");
                await Task.Delay(options.PollInterval, stoppingToken);
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                IReadOnlyList<NumberedEntry> page;
                do
                {
                    page = await feed.ReadAfterAsync(position);
                    if (page.Count > 0)
                    {
                        await DistributeAsync(page, stoppingToken);
                        position = page[^1].Sequence;
                        await store.SetAsync(Cursor, FeedStream.TokenOf(position));
                    }
                }
                while (page.Count == FeedStream.PageSize);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "WebSub distribution after {Position} failed; retrying", position);
            }

            try
            {
                await _wake.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task DistributeAsync(IReadOnlyList<NumberedEntry> page, CancellationToken stoppingToken)
    {
        var now = clock.GetCurrentInstant();
        var live = new List<WebSubSubscription>();
        foreach (var subscription in await subscriptions.AllAsync())
        {
            if (subscription.IsLive(now))
            {
                live.Add(subscription);
            }
            else
            {
                await subscriptions.RemoveAsync(subscription.Id);
            }
        }

        var lease = Duration.FromTimeSpan((options.Webhooks.Timeout + options.WebSub.MaxBackoff) * Math.Max(1, options.WebSub.MaxAttempts)) + Duration.FromMinutes(1);
        foreach (var entry in page.Where(e => !e.Entry.Restricted))
        {
            var bodies = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var subscription in live.Where(s => s.Topic.Matches(entry.Entry)))
            {
                var claim = await store.ClaimOnceAsync(Sent(subscription.Id, entry.Sequence), _owner, lease);
                if (claim.Outcome != OnceOutcome.Claimed)
                {
                    continue;
                }

                string topicUrl = subscription.Topic.Url(subscription.BaseUrl);
                if (!bodies.TryGetValue(topicUrl, out var body))
                {
                    bodies[topicUrl] = body = Encoding.UTF8.GetBytes(await renderer.RenderAsync(subscription.Topic, viewer: null, subscription.BaseUrl));
                }

                _newest.AddOrUpdate(subscription.Id, entry.Sequence, (_, n) => Math.Max(n, entry.Sequence));
                await _slots.WaitAsync(stoppingToken);
                _ = Task.Run(() => DeliverAsync(subscription, entry.Sequence, topicUrl, body, stoppingToken), CancellationToken.None);
            }
        }
    }

    private async Task DeliverAsync(WebSubSubscription subscription, long sequence, string topicUrl, byte[] body, CancellationToken stoppingToken)
    {
        string outcome = "failed";
        try
        {
            for (int attempt = 1; attempt <= Math.Max(1, options.WebSub.MaxAttempts); attempt++)
            {
                if (_newest.TryGetValue(subscription.Id, out long newest) && newest > sequence)
                {
                    outcome = "superseded";
                    break;
                }

                var status = await PostAsync(subscription, topicUrl, body, stoppingToken);
                if (status is >= 200 and < 300)
                {
                    outcome = "delivered";
                    break;
                }

                if (status == (int)HttpStatusCode.Gone)
                {
                    outcome = "gone";
                    await subscriptions.RemoveAsync(subscription.Id);
                    break;
                }

                if (attempt < options.WebSub.MaxAttempts)
                {
                    await Task.Delay(Backoff(attempt), stoppingToken);
                }
            }

            await store.CompleteOnceAsync(Sent(subscription.Id, sequence), outcome, RememberSent);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "WebSub distribution of {Sequence} to subscription {Id} failed", sequence, subscription.Id);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>The status the callback answered, or 0 when it could not be reached.</summary>
    private async Task<int> PostAsync(WebSubSubscription subscription, string topicUrl, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Callback) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(AtomFeedRenderer.MediaType);
        request.Headers.TryAddWithoutValidation("Link", $"<{AtomFeedRenderer.HubUrl(subscription.BaseUrl)}>; rel=\"hub\"");
        request.Headers.TryAddWithoutValidation("Link", $"<{topicUrl}>; rel=\"self\"");
        if (subscription.Secret.Length > 0)
        {
            request.Headers.Add(SignatureHeader, Sign(subscription.Secret, body));
        }

        try
        {
            using var response = await clients.CreateClient(WebhookDelivery.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or WebhookDestinationNotAllowedException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("WebSub distribution to subscription {Id} failed: {Failure}", subscription.Id, WebhookDelivery.FailureClass(e));
            return 0;
        }
    }

    private TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(options.WebSub.MaxBackoff.Ticks, options.WebSub.InitialBackoff.Ticks * (1L << Math.Min(failures - 1, 20))));

    private static void Release(SemaphoreSlim semaphore)
    {
        try
        {
            semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }
}
