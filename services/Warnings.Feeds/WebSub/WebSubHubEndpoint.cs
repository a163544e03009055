using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Google.Rpc;
using Microsoft.AspNetCore.WebUtilities;
using Warnings.Core.Http;
using Warnings.Core.Identity;
using Warnings.Feeds.Http;
using Warnings.Feeds.Webhooks;

namespace Warnings.Feeds.WebSub;

/// <summary>
/// <c>POST /websub/hub</c>: public, as WebSub has it, and so bounded: a form of at most
/// <see cref="MaxBodyBytes"/>, a token bucket per client address, a bounded queue of verifications
/// and a bounded number of subscriptions. A request it can check at once is checked at once (4xx,
/// in the feeds' problem format); an accepted one answers 202 and is verified with the callback
/// afterwards (<see cref="WebSubVerifier"/>), and nothing is stored before the callback confirmed.
/// </summary>
public static class WebSubHubEndpoint
{
    public const int MaxBodyBytes = 8 * 1024;

    public static void MapWebSubHub(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(AtomFeedRenderer.HubPath, HubAsync).AllowAnonymous();

    private static async Task<IResult> HubAsync(
        HttpContext http, FeedsOptions options, WebhookDestinations destinations, WebSubVerifier verifier, WebSubSubscriptions subscriptions, WebSubRateLimiter limiter)
    {
        string address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limiter.TryAcquire(address) is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return HttpErrors.Result(HttpErrors.Status(Code.ResourceExhausted, IdentityReasons.RateLimited, "Too many subscription requests from this address; try again later."));
        }

        if (!http.Request.HasFormContentType || http.Request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true)
        {
            return HttpErrors.Result(HttpErrors.Status(Code.InvalidArgument, HttpErrors.UnsupportedMediaType, "The hub takes application/x-www-form-urlencoded."), StatusCodes.Status415UnsupportedMediaType);
        }

        if (http.Request.ContentLength > MaxBodyBytes || await ReadBoundedAsync(http.Request) is not { } body)
        {
            return HttpErrors.Result(HttpErrors.Status(Code.ResourceExhausted, HttpErrors.BodyTooLarge, $"A subscription request is at most {MaxBodyBytes} bytes."), StatusCodes.Status413PayloadTooLarge);
        }

        var form = QueryHelpers.ParseQuery(body.Length > 0 ? "?" + body : "");
        string baseUrl = FeedHttpEndpoints.BaseUrl(http, options);
        if (WebSubRequest.Parse(form, baseUrl, options.WebSub, options.Webhooks.AllowHttp, destinations, out var errors) is not { } request)
        {
            return HttpErrors.Result(HttpErrors.InvalidFields(errors));
        }

        if (request.Mode == WebSubRequest.Subscribe
            && !await subscriptions.HasRoomForAsync(WebSubSubscriptions.IdOf(request.Topic, request.BaseUrl, request.Callback), options.WebSub.MaxSubscriptions))
        {
            return HttpErrors.Result(HttpErrors.Status(Code.ResourceExhausted, IdentityReasons.RateLimited, $"The hub has {options.WebSub.MaxSubscriptions} subscriptions, its limit."));
        }

        return verifier.TryEnqueue(request)
            ? Results.Accepted()
            : HttpErrors.Result(HttpErrors.Status(Code.ResourceExhausted, IdentityReasons.RateLimited, "Too many subscription requests are waiting for verification; try again later."));
    }

    /// <summary>The body as text, or null when it is longer than <see cref="MaxBodyBytes"/> (a chunked body says its size only as it comes).</summary>
    private static async Task<string?> ReadBoundedAsync(Microsoft.AspNetCore.Http.HttpRequest request)
    {
        var buffer = new byte[MaxBodyBytes + 1];
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await request.Body.ReadAsync(buffer.AsMemory(read), request.HttpContext.RequestAborted);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read > MaxBodyBytes ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }
}

/// <summary>The hub's per-address token bucket (the platform's <see cref="MutatingCallLimiter"/>, keyed by client address).</summary>
public sealed class WebSubRateLimiter(FeedsOptions options) : IDisposable
{
    private readonly MutatingCallLimiter _limiter = new(new RateLimitOptions { MutatingCallsPerMinute = options.WebSub.RequestsPerMinute, Burst = options.WebSub.RequestBurst });

    public TimeSpan? TryAcquire(string address) => _limiter.TryAcquire(address);

    public void Dispose() => _limiter.Dispose();
}
