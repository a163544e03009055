using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Warnings.Core.Identity;

namespace Warnings.DutyConsole;

/// <summary>
/// The console's routes under <c>/console</c>: the page shell (<c>/console</c>, hash-routed inside),
/// the sign-in page, the embedded assets, the session (<see cref="ConsoleSessionEndpoints"/>) and the
/// live events (<see cref="ConsoleEvents"/>). Every response says: no framing, no sniffing, scripts,
/// styles and connections from this origin only (tiles from the configured tile host).
/// </summary>
public static class ConsoleEndpoints
{
    /// <summary>The roles the console serves; anyone else is refused at sign-in.</summary>
    public static readonly string[] ConsoleRoles = [Roles.DutyOfficer, Roles.Approver, Roles.ListAdmin, Roles.Operator, Roles.DistrictReporter, Roles.Analyst];

    public static void MapConsole(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(ApiKeyAuthenticationHandler.ConsolePath).AllowAnonymous();
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var options = http.RequestServices.GetRequiredService<ConsoleOptions>();
            var headers = http.Response.Headers;
            string tiles = options.TileOrigin is { } origin ? $" {origin}" : "";
            headers.ContentSecurityPolicy = $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; connect-src 'self'; " +
                "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            return await next(context);
        });

        // Without a live session the shell would only fail its first call: straight to the sign-in page.
        group.MapGet("", async (HttpContext http, ConsoleAssets assets) =>
            http.Request.Cookies.ContainsKey(ApiKeyAuthenticationHandler.ConsoleCookie) && PlatformPrincipal.From((await http.AuthenticateAsync()).Principal) is not null
                ? Asset(http, assets, "index.html")
                : Results.Redirect($"{ApiKeyAuthenticationHandler.ConsolePath}/login"));
        group.MapGet("/login", (HttpContext http, ConsoleAssets assets) => Asset(http, assets, "login.html"));
        group.MapGet("/assets/{**path}", (string path, HttpContext http, ConsoleAssets assets) => Asset(http, assets, path));
        // Offline-first (district reporting): the service worker, scoped to the whole console (its
        // file sits one level up from the assets, so the header widens its scope), the web app
        // manifest, and the files the worker keeps for opening without a network.
        group.MapGet("/sw.js", (HttpContext http, ConsoleAssets assets) =>
        {
            http.Response.Headers["Service-Worker-Allowed"] = ApiKeyAuthenticationHandler.ConsolePath;
            return Asset(http, assets, "sw.js");
        });
        group.MapGet("/manifest.webmanifest", (HttpContext http, ConsoleAssets assets) => Asset(http, assets, "manifest.webmanifest"));
        group.MapGet("/offline.json", (ConsoleAssets assets) => Results.Json(assets.OfflineFiles));
        group.MapGet("/config", (ConsoleOptions options) => Results.Json(new { tileUrl = options.TileUrl ?? "", tileAttribution = options.TileAttribution ?? "" }));
        group.MapConsoleSession();
        group.MapConsoleEvents();
    }

    // Assets change only with a new build: revalidated by ETag on every load, so a deploy is seen at once.
    private static IResult Asset(HttpContext http, ConsoleAssets assets, string path)
    {
        if (path.Length > 200 || assets.Find(path) is not { } file)
        {
            return Results.NotFound();
        }

        var etag = new EntityTagHeaderValue($"\"{file.ETag}\"");
        http.Response.Headers.CacheControl = "no-cache";
        if (http.Request.Headers.IfNoneMatch.ToString() == etag.Tag.Value)
        {
            http.Response.Headers.ETag = etag.Tag.Value;
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(file.Bytes, file.ContentType, entityTag: etag);
    }
}
