using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Http;
using Warnings.Core.Storage;
using Warnings.Feeds.Feed;

namespace Warnings.Feeds.Webhooks;

/// <summary>
/// Delivers the feed to webhooks. Each active webhook is its own queue: its own worker reads the
/// feed after the webhook's delivered position and POSTs each matching entry in order, so a slow or
/// failing partner holds up only itself. A worker runs on one instance at a time (a lease per
/// webhook). A failed POST is retried with doubling back-off; after
/// <see cref="WebhookOptions.SuspendAfterFailures"/> failures in a row the webhook is suspended and
/// says why, and <c>ResumeWebhook</c> makes it deliver what it missed. Delivery is at least once:
/// the position is saved after the receiver answered 2xx, so a crash in between repeats one POST,
/// which the receiver recognises by its <c>Idempotency-Key</c>.
/// </summary>
public sealed class WebhookDelivery(WebhookStore webhooks, FeedStream feed, IStateStore store, IHttpClientFactory clients, FeedsOptions options, PartnerStanding partners, IClock clock, ILogger<WebhookDelivery> logger) : BackgroundService
{
    public const string HttpClientName = "feeds-webhooks";
    private static readonly Duration LeaseTime = Duration.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Task> _workers = new();
    private readonly SemaphoreSlim _scan = new(0, 1);
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private TaskCompletionSource _feedAppended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        bool subscribed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!subscribed)
                {
                    // Nudges only shorten waits; until the store answers, the scans below retry.
                    await store.SubscribeAsync(WebhookStore.NudgeChannel, _ => Release(_scan));
                    await store.SubscribeAsync(FeedStream.NudgeChannel, _ => Interlocked.Exchange(ref _feedAppended, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult());
                    subscribed = true;
                }

                foreach (var webhook in await webhooks.AllAsync())
                {
                    if (webhook.Status == WebhookStore.Active && !_workers.ContainsKey(webhook.Id) && await store.AcquireLeaseAsync(LeaseKey(webhook.Id), _owner, LeaseTime))
                    {
                        _workers[webhook.Id] = Task.Run(() => WorkAsync(webhook.Id, stoppingToken), CancellationToken.None);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Scanning webhooks failed; the next scan retries");
            }

            try
            {
                await _scan.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(_workers.Values);
    }

    private static StoreKey LeaseKey(string id) => new("webhook-lease", id);

    private async Task WorkAsync(string id, CancellationToken stoppingToken)
    {
        try
        {
            int failures = 0;
            while (!stoppingToken.IsCancellationRequested && await store.AcquireLeaseAsync(LeaseKey(id), _owner, LeaseTime))
            {
                var appended = _feedAppended.Task;
                if (await webhooks.LoadAsync(id) is not { Document: { Status: WebhookStore.Active } webhook })
                {
                    return;
                }

                var page = await feed.ReadAfterAsync(webhook.DeliveredSequence, 32);
                if (page.Count == 0)
                {
                    await Wait(appended, options.PollInterval, stoppingToken);
                    continue;
                }

                if (await partners.CheckAsync(webhook.Partner) is not { } standing)
                {
                    await SaveAsync(id, w =>
                    {
                        w.Status = WebhookStore.Suspended;
                        w.StatusReason = $"Suspended: partner {webhook.Partner} has no usable API key (revoked or expired); a new key and ResumeWebhook start it again.";
                    });
                    logger.LogWarning("Webhook {Id} of {Partner} suspended: the partner has no usable API key", id, webhook.Partner);
                    return;
                }

                var selection = FeedSelection.FromApplied(webhook.Filter);
                string secret = await webhooks.SecretAsync(id) ?? "";
                long handled = webhook.DeliveredSequence;
                foreach (var entry in page)
                {
                    if (!selection.Matches(entry.Entry) || !standing.Allows(entry.Entry))
                    {
                        handled = entry.Sequence;
                        continue;
                    }

                    string? error = await PostAsync(webhook, secret, entry, stoppingToken);
                    if (error is null)
                    {
                        handled = entry.Sequence;
                        failures = 0;
                        await SaveAsync(id, w => { w.DeliveredSequence = Math.Max(w.DeliveredSequence, handled); w.ConsecutiveFailures = 0; w.LastDeliveredAt = clock.GetCurrentInstant().ToTimestamp(); });
                        continue;
                    }

                    failures++;
                    bool suspend = failures >= options.Webhooks.SuspendAfterFailures;
                    long upTo = handled;
                    await SaveAsync(id, w =>
                    {
                        w.DeliveredSequence = Math.Max(w.DeliveredSequence, upTo);
                        w.ConsecutiveFailures = failures;
                        w.LastError = error;
                        if (suspend && w.Status == WebhookStore.Active)
                        {
                            w.Status = WebhookStore.Suspended;
                            w.StatusReason = string.Create(CultureInfo.InvariantCulture,
                                $"Suspended after {failures} consecutive failed deliveries (last: {error}); entries from sequence {upTo + 1} wait for ResumeWebhook.");
                        }
                    });
                    if (suspend)
                    {
                        logger.LogWarning("Webhook {Id} of {Partner} suspended after {Failures} failures: {Error}", id, webhook.Partner, failures, error);
                        return;
                    }

                    await Task.Delay(Backoff(failures), stoppingToken);
                    break; // re-read the webhook (it may have been deleted) and retry this entry
                }

                if (failures == 0 && handled > webhook.DeliveredSequence)
                {
                    await SaveAsync(id, w => w.DeliveredSequence = Math.Max(w.DeliveredSequence, handled));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Webhook {Id} worker failed; the next scan restarts it", id);
        }
        finally
        {
            _workers.TryRemove(id, out _);
            await store.ReleaseLeaseAsync(LeaseKey(id), _owner);
        }
    }

    private async Task<string?> PostAsync(Webhook webhook, string secret, NumberedEntry entry, CancellationToken cancellationToken)
    {
        byte[] body = Encoding.UTF8.GetBytes(entry.Entry.CapXml);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cap+xml") { CharSet = "utf-8" };
        WebhookSignature.Apply(request, WebhookSignature.SecretBytes(secret), clock.GetCurrentInstant(), body);
        request.Headers.Add("Idempotency-Key", $"{entry.Entry.Identifier}:{KindName(entry.Entry.Kind)}");
        request.Headers.Add("X-Warnings-Message-Kind", KindName(entry.Entry.Kind));
        request.Headers.Add("X-Warnings-Feed-Sequence", FeedStream.TokenOf(entry.Sequence));
        request.Headers.Add("X-Warnings-Webhook", webhook.Id);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            // The status only: the reason phrase and body are the target's text (never reflected).
            return response.IsSuccessStatusCode ? null : string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or WebhookDestinationNotAllowedException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation(e, "Webhook {Id} delivery to its partner failed", webhook.Id);
            return FailureClass(e);
        }
    }

    /// <summary>
    /// A failed delivery as the partner sees it in <c>last_error</c>: a class of failure only
    /// ("timeout", "connection refused", "destination not allowed", "TLS", "connection failed"),
    /// never an exception's message, which could carry what the target said or what the network
    /// looks like from inside.
    /// </summary>
    public static string FailureClass(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case WebhookDestinationNotAllowedException:
                    return WebhookDestinations.NotAllowed;
                case System.Security.Authentication.AuthenticationException:
                    return "TLS";
                case System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused }:
                    return "connection refused";
                case System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.TimedOut }:
                case TimeoutException:
                case OperationCanceledException:
                    return "timeout";
            }
        }

        return failure is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } ? "TLS" : "connection failed";
    }

    /// <summary>publish, update, lift or expire: what happened to the version the CAP document describes.</summary>
    public static string KindName(FeedMessageKind kind) => kind switch
    {
        FeedMessageKind.Publish => "publish",
        FeedMessageKind.Update => "update",
        FeedMessageKind.Lift => "lift",
        FeedMessageKind.Expire => "expire",
        _ => "unknown",
    };

    private TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(options.Webhooks.MaxBackoff.Ticks, options.Webhooks.InitialBackoff.Ticks * (1L << Math.Min(failures - 1, 20))));

    // The worker owns the position and failure count; the partner's commands own the status. A
    // conflicting change re-reads and applies again, so neither overwrites the other.
    private async Task SaveAsync(string id, Action<Webhook> change)
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            if (await webhooks.LoadAsync(id) is not { } loaded)
            {
                return;
            }

            change(loaded.Document);
            var (conditions, writes) = webhooks.Replace(id, loaded.Json, loaded.Document);
            if (await store.CommitAsync(conditions, writes))
            {
                return;
            }
        }

        throw new InvalidOperationException($"Webhook {id} kept changing while its delivery state was saved.");
    }

    private static async Task Wait(Task signal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await signal.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

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
