using Warnings.Core.Identity;

namespace Warnings.Platform.Identity;

internal static class IdentityHttpEndpoints
{
    /// <summary>
    /// <c>GET /whoami</c> on the HTTP port: the caller as the platform sees it, for checking a key
    /// with curl. Like every HTTP route it needs credentials (the fallback policy).
    /// </summary>
    public static void MapIdentityHttp(this WebApplication app) =>
        app.MapGet("/whoami", (HttpContext http) => PlatformPrincipal.From(http.User) is { } caller
            ? Results.Json(new
            {
                id = caller.Id,
                roles = caller.Roles.Order(StringComparer.Ordinal),
                department = caller.Department,
                district = caller.District,
                entitlements = caller.Entitlements,
                authenticatedBy = caller.AuthenticatedBy,
                keyId = caller.KeyId,
            })
            : Results.Unauthorized());
}
