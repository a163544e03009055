using Google.Rpc;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Warnings.Core.Http;
using Warnings.Core.Identity;

namespace Warnings.DutyConsole;

/// <summary>
/// The console's browser session, on top of <see cref="DashboardSessions"/>:
/// <list type="bullet">
/// <item><c>POST /console/session</c> signs in. The request carries the credential the platform already
/// accepts (<c>Authorization: ApiKey …</c> in development, <c>Bearer &lt;JWT from the city SSO&gt;</c> in
/// production), which a cross-site form cannot send; the answer sets an HttpOnly, SameSite=Strict cookie
/// (Secure over TLS) holding only a random session id, and gives the CSRF token.</item>
/// <item><c>GET /console/session</c>: who is signed in, and the CSRF token (only this origin's pages can read it).</item>
/// <item><c>POST /console/session/end</c> signs out (with the CSRF token, like every state-changing request).</item>
/// </list>
/// Refusals are JSON <c>{reason, message}</c> with the platform's reason codes.
/// </summary>
public static class ConsoleSessionEndpoints
{
    public static void MapConsoleSession(this RouteGroupBuilder group)
    {
        group.MapPost("/session", SignInAsync).DisableAntiforgery();
        group.MapGet("/session", async (HttpContext http) =>
            await SignedInAsync(http) is { } principal
                ? Results.Json(Describe(http, principal, await CsrfAsync(http)))
                : await RefusalAsync(http));
        group.MapPost("/session/end", async (HttpContext http, DashboardSessions sessions) =>
        {
            if (await SignedInAsync(http) is null)
            {
                return await RefusalAsync(http);
            }

            await sessions.RevokeConsoleAsync(http.Request.Cookies[ApiKeyAuthenticationHandler.ConsoleCookie]!);
            http.Response.Cookies.Delete(ApiKeyAuthenticationHandler.ConsoleCookie, CookieOptions(http));
            return Results.NoContent();
        }).DisableAntiforgery();
    }

    private static async Task<IResult> SignInAsync(HttpContext http, DashboardSessions sessions)
    {
        string self = $"{http.Request.Scheme}://{http.Request.Host}";
        if (http.Request.Headers.Origin.ToString() is { Length: > 0 } origin && !string.Equals(origin, self, StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(Code.PermissionDenied, "ORIGIN_NOT_ALLOWED", "A console sign-in must come from the console's own page.");
        }

        if (string.IsNullOrWhiteSpace(http.Request.Headers.Authorization))
        {
            return Refuse(Code.Unauthenticated, IdentityReasons.CredentialsMissing, "Sign in with 'Authorization: ApiKey <key>' or 'Authorization: Bearer <jwt>'.");
        }

        var authentication = await http.AuthenticateAsync();
        if (PlatformPrincipal.From(authentication.Principal) is not { } principal)
        {
            string reason = authentication.Failure is CredentialRejectedException rejected ? rejected.Reason
                : authentication.Failure is Microsoft.IdentityModel.Tokens.SecurityTokenExpiredException ? IdentityReasons.TokenExpired
                : IdentityReasons.TokenInvalid;
            return Refuse(Code.Unauthenticated, reason, "These credentials are not valid.");
        }

        if (!principal.HasAnyRole(ConsoleEndpoints.ConsoleRoles))
        {
            return Refuse(Code.PermissionDenied, IdentityReasons.RoleNotAllowed,
                $"The console is for {string.Join(", ", ConsoleEndpoints.ConsoleRoles)}; {principal.Id} has {string.Join(", ", principal.Roles)}.");
        }

        // A JWT's session ends with the token ("exp", seconds since the epoch); a key's follows the key.
        Instant? tokenExpires = principal.KeyId is null && long.TryParse(authentication.Principal!.FindFirst("exp")?.Value, out long exp)
            ? Instant.FromUnixTimeSeconds(exp) : null;
        var (id, csrf) = await sessions.CreateConsoleAsync(principal, tokenExpires);
        http.Response.Cookies.Append(ApiKeyAuthenticationHandler.ConsoleCookie, id, CookieOptions(http));
        return Results.Json(Describe(http, principal, csrf));
    }

    private static async Task<PlatformPrincipal?> SignedInAsync(HttpContext http) =>
        http.Request.Cookies.ContainsKey(ApiKeyAuthenticationHandler.ConsoleCookie) && string.IsNullOrEmpty(http.Request.Headers.Authorization)
            ? PlatformPrincipal.From((await http.AuthenticateAsync()).Principal)
            : null;

    private static async Task<string> CsrfAsync(HttpContext http) =>
        (await http.RequestServices.GetRequiredService<DashboardSessions>().CheckConsoleAsync(http.Request.Cookies[ApiKeyAuthenticationHandler.ConsoleCookie]!)).CsrfToken ?? "";

    private static async Task<IResult> RefusalAsync(HttpContext http)
    {
        var failure = (await http.AuthenticateAsync()).Failure as CredentialRejectedException;
        return failure?.Reason == IdentityReasons.CsrfTokenInvalid
            ? Refuse(Code.PermissionDenied, failure.Reason, failure.Message)
            : Refuse(Code.Unauthenticated, failure?.Reason ?? IdentityReasons.CredentialsMissing, failure?.Message ?? "Not signed in.");
    }

    private static object Describe(HttpContext http, PlatformPrincipal p, string csrf) => new
    {
        id = p.Id,
        roles = p.Roles.Order(StringComparer.Ordinal),
        department = p.Department ?? "",
        district = p.District ?? "",
        authenticatedBy = p.AuthenticatedBy,
        csrfToken = csrf,
        // The platform's clock (not the browser's): defaults and countdowns use it.
        now = http.RequestServices.GetRequiredService<IClock>().GetCurrentInstant().ToString(),
    };

    // The port's one error shape (google.rpc.Status), as the console's REST calls get.
    private static IResult Refuse(Code code, string reason, string message) => HttpErrors.Result(HttpErrors.Status(code, reason, message));

    private static CookieOptions CookieOptions(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        // The console's pages and the REST API they call.
        Path = "/",
        MaxAge = DashboardSessions.Lifetime.ToTimeSpan(),
        IsEssential = true,
    };
}
