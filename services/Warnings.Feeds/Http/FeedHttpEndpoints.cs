using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using Warnings.Core.Domain;
using Warnings.Core.Http;
using Warnings.Core.Identity;
using Warnings.Core.Storage;
using Warnings.Feeds.Feed;
using Warnings.Issuing.Cap;

namespace Warnings.Feeds.Http;

/// <summary>
/// The feed for standard clients over HTTP: <c>GET /feeds/cap.atom</c> (warnings in force,
/// filterable by <c>hazard</c>, <c>district</c> and <c>min_level</c>) and <c>GET
/// /alerts/{identifier}.xml</c> (one version's CAP document). Public warnings need no credentials;
/// restricted ones (approved for partners only) need a key, and a partner sees them only within its
/// entitlement. Responses carry an ETag (If-None-Match answers 304) and Cache-Control.
/// </summary>
public static class FeedHttpEndpoints
{
    private const string CapMediaType = "application/cap+xml; charset=utf-8";

    public static void MapFeedHttp(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/feeds/cap.atom", AtomAsync).AllowAnonymous();
        endpoints.MapGet("/alerts/{identifier}.xml", AlertAsync).AllowAnonymous();
    }

    private static async Task<IResult> AtomAsync(HttpContext http, AtomFeedRenderer renderer, FeedsOptions options)
    {
        if (FeedTopic.Parse(http.Request.Query, strict: false, out var error) is not { } topic)
        {
            return HttpErrors.Result(HttpErrors.InvalidField(error!.Value.Field, error.Value.Message));
        }

        var viewer = PlatformPrincipal.From(http.User);
        string baseUrl = BaseUrl(http, options);
        string body = await renderer.RenderAsync(topic, viewer, baseUrl);
        http.Response.Headers.Vary = "Authorization";
        http.Response.Headers.Link = AtomFeedRenderer.LinkHeader(baseUrl, topic.Url(baseUrl));
        return Cached(http, body, AtomFeedRenderer.MediaType,
            $"{(viewer is null ? "public" : "private")}, max-age={(long)options.AtomMaxAge.TotalSeconds}");
    }

    private static async Task<IResult> AlertAsync(string identifier, HttpContext http, IStateStore store, CapDocuments caps)
    {
        var viewer = PlatformPrincipal.From(http.User);
        if (await store.GetAsync(FeedAppender.AlertKey(identifier)) is not { } json || await caps.FindAsync(identifier) is not { } xml)
        {
            return NotFound(identifier);
        }

        var entry = FeedEntry.FromJson(json);
        if (!MaySee(viewer, entry))
        {
            // Anonymous: ask for a key. A partner outside its entitlement: as if it did not exist.
            return viewer is null
                ? HttpErrors.Result(HttpErrors.ForEmptyResponse(StatusCodes.Status401Unauthorized))
                : NotFound(identifier);
        }

        // A version's document never changes, so it may be cached for as long as anyone likes.
        return Cached(http, xml, CapMediaType, $"{(entry.Restricted ? "private" : "public")}, max-age=86400, immutable");
    }

    private static IResult NotFound(string identifier) =>
        HttpErrors.Result(HttpErrors.Status(Google.Rpc.Code.NotFound, Warnings.Core.Grpc.ErrorReasons.NotFound, $"No CAP document '{identifier}'."));

    /// <summary>
    /// The roles that read every warning's CAP document (as <c>WarningService.GetCap</c> and the whole
    /// gRPC feed allow them); partners read restricted ones within their entitlement, and no other
    /// role reads them at all.
    /// </summary>
    public static readonly IReadOnlyCollection<string> RestrictedReaders = [Roles.Operator, Roles.Analyst, Roles.DutyOfficer, Roles.Approver];

    /// <summary>Public warnings are for everyone; restricted ones for <see cref="RestrictedReaders"/> and for partners entitled to them.</summary>
    internal static bool MaySee(PlatformPrincipal? viewer, FeedEntry entry) =>
        !entry.Restricted || (viewer is not null && viewer.MayReceive(entry.Hazard, entry.Level, entry.Districts, RestrictedReaders));

    private static IResult Cached(HttpContext http, string body, string contentType, string cacheControl)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        string etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = cacheControl;
        string ifNoneMatch = http.Request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length > 0 && (ifNoneMatch.Trim() == "*" || ifNoneMatch.Split(',').Any(t => t.Trim().TrimStart('W', '/') == etag)))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(bytes, contentType);
    }

    /// <summary>
    /// <c>Feeds:PublicBaseUrl</c>, else the configured HTTP endpoint. Nothing the client sends (Host,
    /// X-Forwarded-*) goes into it; only where the configuration leaves it open (port 0, a wildcard
    /// address) is the connection's own local address used.
    /// </summary>
    internal static string BaseUrl(HttpContext http, FeedsOptions options)
    {
        if (options.PublicBaseUrl.Length > 0)
        {
            return options.PublicBaseUrl.TrimEnd('/');
        }

        if (!Uri.TryCreate(options.HttpEndpointUrl.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var configured))
        {
            configured = new Uri("http://127.0.0.1:5101");
        }

        string host = configured.Host;
        if (host is "0.0.0.0" or "[::]" or "::")
        {
            host = http.Connection.LocalIpAddress is { } local
                ? (local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{local.MapToIPv6()}]" : local.ToString())
                : "127.0.0.1";
        }

        int port = configured.Port is > 0 ? configured.Port : http.Connection.LocalPort;
        return $"{configured.Scheme}://{host}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}{configured.AbsolutePath.TrimEnd('/')}";
    }
}
