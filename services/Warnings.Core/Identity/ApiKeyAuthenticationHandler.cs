using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Warnings.Core.Identity;

/// <summary>A refused credential and the stable reason code the client and the audit log get.</summary>
public sealed class CredentialRejectedException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// Authenticates <c>authorization: ApiKey &lt;key&gt;</c> (an HTTP header, or gRPC metadata), and the
/// dashboard's session cookie on <c>/dashboard</c> pages only (a browser's EventSource cannot send headers;
/// the cookie is HttpOnly, SameSite=Strict, scoped to that path, and holds a session id, never a key:
/// see <see cref="DashboardSessions"/>).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRegistry registry,
    DashboardSessions sessions) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string DashboardCookie = "warnings_dashboard";
    public const string DashboardPath = "/dashboard";
    private const string HeaderPrefix = "ApiKey ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrWhiteSpace(header) && Request.Path.StartsWithSegments(DashboardPath) && Request.Cookies.TryGetValue(DashboardCookie, out var cookie) && cookie.Length > 0)
        {
            return Result(await sessions.CheckAsync(cookie));
        }

        if (string.IsNullOrWhiteSpace(header))
        {
            return AuthenticateResult.NoResult();
        }

        // Bearer tokens reach this handler only when JWT is not configured (see AddPlatformIdentity).
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Reject(IdentityReasons.CredentialsUnsupported, "Bearer tokens are not accepted here: no JWT signing key is configured.");
        }

        if (!header.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Reject(IdentityReasons.CredentialsUnsupported, "The authorization header must be 'ApiKey <key>' or 'Bearer <jwt>'.");
        }

        return Result(await registry.CheckAsync(header[HeaderPrefix.Length..].Trim()));
    }

    private static AuthenticateResult Result(ApiKeyCheck check) =>
        check.Status switch
        {
            ApiKeyStatus.Valid => AuthenticateResult.Success(new AuthenticationTicket(check.Record!.ToPrincipal().ToClaimsPrincipal(SchemeName), SchemeName)),
            ApiKeyStatus.Revoked => Reject(IdentityReasons.ApiKeyRevoked, $"API key {check.Record!.KeyId} was revoked."),
            ApiKeyStatus.Expired => Reject(IdentityReasons.ApiKeyExpired, $"API key {check.Record!.KeyId} has expired."),
            _ => Reject(IdentityReasons.ApiKeyInvalid, "The API key is not recognised."),
        };

    private static AuthenticateResult Reject(string reason, string message) => AuthenticateResult.Fail(new CredentialRejectedException(reason, message));
}
