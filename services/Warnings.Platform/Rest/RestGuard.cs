using Google.Protobuf;
using Google.Rpc;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Warnings.Core.Audit;
using Warnings.Core.Grpc;
using Warnings.Core.Http;
using Warnings.Core.Identity;

namespace Warnings.Platform.Rest;

/// <summary>
/// In front of REST (JSON transcoding reads and parses the whole body before the gRPC interceptors
/// run): a body larger than the gRPC limit is refused from its Content-Length or as it streams in,
/// and a call that carries a body but no valid credentials is refused before a byte of it is read.
/// Refusals have the same google.rpc.Status shape as every other error on this port, transcoding's
/// own (a body or query that is not the request message) included. A body with members the request
/// message does not have is refused by name (<see cref="RestBodyCheck"/>), and a 429 or 503 that
/// carries RetryInfo says when to retry in <c>Retry-After</c> as well.
/// </summary>
public static class RestGuard
{
    /// <summary>The same limit as a gRPC message (grpc-dotnet's default receive size).</summary>
    public const long MaxBodyBytes = 4 * 1024 * 1024;

    public static IApplicationBuilder UsePlatformRestGuard(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!http.Request.Path.StartsWithSegments("/v1"))
        {
            await next(http);
            return;
        }

        if (!HasBody(http.Request))
        {
            await WithTypedErrorsAsync(http, next);
            return;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        if (http.Request.ContentLength > MaxBodyBytes)
        {
            await RefuseAsync(http, StatusCodes.Status413PayloadTooLarge, Code.ResourceExhausted, HttpErrors.BodyTooLarge,
                $"The request body is larger than {MaxBodyBytes / (1024 * 1024)} MiB.");
            return;
        }

        var authentication = await http.AuthenticateAsync();
        if (PlatformPrincipal.From(authentication.Principal) is null)
        {
            // Without a valid credential the call cannot succeed, so it is refused (and audited, as the
            // interceptor would) before its body is read.
            string reason = authentication.Failure switch
            {
                CredentialRejectedException rejected => rejected.Reason,
                null => IdentityReasons.CredentialsMissing,
                _ => IdentityReasons.TokenInvalid,
            };
            await AuditAsync(http, reason);
            if (reason == IdentityReasons.CsrfTokenInvalid)
            {
                // A valid console session without its CSRF token: who it is is known, the request is not theirs.
                await RefuseAsync(http, StatusCodes.Status403Forbidden, Code.PermissionDenied, reason, authentication.Failure!.Message);
                return;
            }

            http.Response.Headers.WWWAuthenticate = HttpPortConventions.Challenge;
            await RefuseAsync(http, StatusCodes.Status401Unauthorized, Code.Unauthenticated, reason,
                authentication.Failure is null
                    ? "This call needs credentials: 'Authorization: ApiKey <key>' or 'Authorization: Bearer <jwt>'."
                    : "The credentials are not valid.");
            return;
        }

        if (await RestBodyCheck.RefusalAsync(http) is { } refusal)
        {
            await RefuseAsync(http, refusal);
            return;
        }

        await WithTypedErrorsAsync(http, next);
    });

    // JSON transcoding answers a body or query it cannot turn into the request message (malformed
    // JSON, a bad timestamp, an unknown enum value) with a bare {"code":3,"message":...}: give it the
    // ErrorInfo reason every other refusal on this port carries. REST routes are unary, so the
    // response is small and can be held until it is complete.
    private static async Task WithTypedErrorsAsync(HttpContext http, RequestDelegate next)
    {
        // Swap the body feature (not just Response.Body) so Kestrel's own is back, untouched, afterwards.
        var original = http.Features.Get<IHttpResponseBodyFeature>()!;
        using var buffer = new MemoryStream();
        http.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(buffer));
        try
        {
            await next(http);
        }
        finally
        {
            http.Features.Set(original);
        }

        if (http.Response.StatusCode == StatusCodes.Status400BadRequest && WithoutReason(Text(buffer.ToArray(), http.Response.ContentType)) is { } status)
        {
            status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(new ErrorInfo { Domain = GrpcErrors.Domain, Reason = Core.Grpc.MalformedRequestMiddleware.Reason }));
            await HttpErrors.WriteAsync(http, status, StatusCodes.Status400BadRequest);
            return;
        }

        if (http.Response.StatusCode is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable
            && RetryDelay(buffer.ToArray()) is { } delay)
        {
            // RFC 9110 §10.2.3: whole seconds, rounded up so a client that waits that long is let in.
            http.Response.Headers.RetryAfter = ((long)Math.Ceiling(Math.Max(1, delay.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(http.Response.Body);
    }

    // A google.rpc.Status without any details (transcoding's own refusals), or null.
    // Transcoding answers in the request's charset (a client that said utf-16 gets utf-16).
    internal static string Text(byte[] body, string? contentType)
    {
        try
        {
            var charset = contentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType).CharSet;
            return (charset is { Length: > 0 } ? System.Text.Encoding.GetEncoding(charset.Trim('"')) : System.Text.Encoding.UTF8).GetString(body);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return System.Text.Encoding.UTF8.GetString(body);
        }
    }

    private static Google.Rpc.Status? WithoutReason(string body)
    {
        try
        {
            if (System.Text.Json.Nodes.JsonNode.Parse(body) is not System.Text.Json.Nodes.JsonObject json
                || json["details"] is System.Text.Json.Nodes.JsonArray { Count: > 0 }
                || json["code"] is not { } code)
            {
                return null;
            }

            return new Google.Rpc.Status { Code = (int)code, Message = (string?)json["message"] ?? "" };
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static async Task AuditAsync(HttpContext http, string reason)
    {
        string address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!http.RequestServices.GetRequiredService<RefusalAuditThrottle>().ShouldRecord(address, out long folded))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await http.RequestServices.GetRequiredService<AuditLog>().AppendAsync(new AuditRecord(default, null, [], $"{http.Request.Method} {http.Request.Path}",
                RefusalAuditThrottle.TargetOf(address, folded),
                "UNAUTHENTICATED", reason, null, null, ""), timeout.Token);
        }
        catch (Exception e)
        {
            http.RequestServices.GetRequiredService<ILogger<AuditLog>>().LogError(e, "Could not append the audit entry of a refused REST call");
        }
    }

    private static bool HasBody(Microsoft.AspNetCore.Http.HttpRequest request) =>
        request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;

    private static Task RefuseAsync(HttpContext http, int httpStatus, Code code, string reason, string message)
    {
        // Closing the connection stops a client that would go on sending the body nobody reads.
        http.Response.Headers.Connection = "close";
        return HttpErrors.WriteAsync(http, HttpErrors.Status(code, reason, message), httpStatus);
    }

    private static Task RefuseAsync(HttpContext http, Google.Rpc.Status refusal) => HttpErrors.WriteAsync(http, refusal);

    // The RetryInfo delay of a google.rpc.Status body (RATE_LIMITED, UNAVAILABLE), or null.
    private static TimeSpan? RetryDelay(byte[] body) =>
        HttpErrors.TryParse(System.Text.Encoding.UTF8.GetString(body))?.Details.FirstOrDefault(d => d.Is(RetryInfo.Descriptor)) is { } any
            ? any.Unpack<RetryInfo>().RetryDelay.ToTimeSpan()
            : null;
}
