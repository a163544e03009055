using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
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
/// see <see cref="DashboardSessions"/>), and the console's session cookie on <c>/console</c> and the
/// REST API <c>/v1</c>: the console calls the same API as everyone, as the signed-in person. A console
/// session authenticates a state-changing request (anything but GET and HEAD) only with its CSRF token
/// in <c>X-CSRF-Token</c> and, when the browser names one, this very origin. A wall screen's display
/// cookie (<see cref="DisplaySessions"/>) is read on <c>/dashboard</c> only, so it reaches nothing else.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRegistry registry,
    DashboardSessions sessions,
    DisplaySessions displays) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string DashboardCookie = "warnings_dashboard";
    public const string DashboardPath = "/dashboard";
    public const string DisplayCookie = "warnings_display";
    public const string ConsoleCookie = "warnings_console";
    public const string ConsolePath = "/console";
    public const string CsrfHeader = "X-CSRF-Token";
    private const string HeaderPrefix = "ApiKey ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrWhiteSpace(header) && Request.Path.StartsWithSegments(DashboardPath) && Request.Cookies.TryGetValue(DashboardCookie, out var cookie) && cookie.Length > 0)
        {
            return Result(await sessions.CheckAsync(cookie));
        }

        if (string.IsNullOrWhiteSpace(header) && Request.Path.StartsWithSegments(DashboardPath) && Request.Cookies.TryGetValue(DisplayCookie, out var display) && display.Length > 0)
        {
            return await displays.CheckAsync(display) is { } screen
                ? AuthenticateResult.Success(new AuthenticationTicket(screen.ToPrincipal().ToClaimsPrincipal(SchemeName), SchemeName))
                : Reject(IdentityReasons.SessionInvalid, "The display session has ended (revoked or expired); ask an operator for a new pairing link.");
        }

        if (string.IsNullOrWhiteSpace(header) && (Request.Path.StartsWithSegments(ConsolePath) || Request.Path.StartsWithSegments("/v1"))
            && Request.Cookies.TryGetValue(ConsoleCookie, out var console) && console.Length > 0)
        {
            return await ConsoleSessionAsync(console);
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

    private async Task<AuthenticateResult> ConsoleSessionAsync(string id)
    {
        var check = await sessions.CheckConsoleAsync(id);
        if (check.Principal is null)
        {
            return check.Status == ApiKeyStatus.Revoked
                ? Reject(IdentityReasons.ApiKeyRevoked, "The key this console session was opened with was revoked.")
                : Reject(IdentityReasons.SessionInvalid, "The console session has ended; sign in again.");
        }

        if (!HttpMethods.IsGet(Request.Method) && !HttpMethods.IsHead(Request.Method) && !CsrfHolds(check.CsrfToken!))
        {
            return Reject(IdentityReasons.CsrfTokenInvalid, $"A state-changing request from the console must carry its session's {CsrfHeader} header and come from this origin.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(check.Principal.ToClaimsPrincipal(SchemeName), SchemeName));
    }

    // The token is readable only by this origin's pages (GET /console/session); Origin, when the
    // browser sends it, must be this origin too.
    private bool CsrfHolds(string expected)
    {
        string token = Request.Headers[CsrfHeader].ToString();
        string? origin = Request.Headers.Origin;
        return token.Length == expected.Length
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(token), System.Text.Encoding.ASCII.GetBytes(expected))
            && (string.IsNullOrEmpty(origin) || string.Equals(origin, $"{Request.Scheme}://{Request.Host}", StringComparison.OrdinalIgnoreCase));
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
