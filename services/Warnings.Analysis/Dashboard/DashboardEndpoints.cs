using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using Warnings.Analysis.Projections;
using Warnings.Core.Identity;
using Warnings.Reporting.Domain;

namespace Warnings.Analysis.Dashboard;

/// <summary>
/// The situation dashboard on the HTTP port: <c>/dashboard</c> (the page, with the district map),
/// <c>/dashboard/state</c> (its data as JSON), <c>/dashboard/events</c> (server-sent events: "changed"
/// whenever a projection changes, so the page updates without a reload) and a login page that puts
/// the viewer's API key in an HttpOnly cookie valid for <c>/dashboard</c> only. Viewers: analysts,
/// approvers (leadership), duty officers and operators.
/// </summary>
public static class DashboardEndpoints
{
    private static readonly string[] ViewerRoles = [Roles.Analyst, Roles.Approver, Roles.DutyOfficer, Roles.Operator];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(ApiKeyAuthenticationHandler.DashboardPath).AllowAnonymous();
        group.MapGet("/login", () => Page("login.html", ""));
        group.MapPost("/login", LoginAsync).DisableAntiforgery();
        group.MapPost("/logout", (HttpContext http) =>
        {
            http.Response.Cookies.Delete(ApiKeyAuthenticationHandler.DashboardCookie, CookieOptions(http));
            return Results.Redirect($"{ApiKeyAuthenticationHandler.DashboardPath}/login");
        }).DisableAntiforgery();
        group.MapGet("", (HttpContext http, DistrictMap map) =>
            Viewer(http) is null ? Results.Redirect($"{ApiKeyAuthenticationHandler.DashboardPath}/login") : Page("dashboard.html", DistrictSvg.Render(map)));
        group.MapGet("/state", async (HttpContext http, ProjectionStore projections, DistrictMap map, AnalysisOptions options, IClock clock) =>
            Viewer(http) is null
                ? Results.Unauthorized()
                : Results.Json(DashboardState.Build(await projections.WarningsAsync(), await projections.IncidentsAsync(), map, options.Risk, clock.GetCurrentInstant()), Json));
        group.MapGet("/events", EventsAsync);
    }

    private static async Task<IResult> LoginAsync(HttpContext http, ApiKeyRegistry keys)
    {
        var form = await http.Request.ReadFormAsync();
        string key = form["key"].ToString().Trim();
        if (key.Length == 0 || await keys.CheckAsync(key) is not { Status: ApiKeyStatus.Valid } check || !check.Record!.ToPrincipal().Roles.Overlaps(ViewerRoles))
        {
            return Page("login.html", "<p class=\"error\">这个密钥不能查看态势图。 This key cannot view the dashboard.</p>", StatusCodes.Status401Unauthorized);
        }

        http.Response.Cookies.Append(ApiKeyAuthenticationHandler.DashboardCookie, key, CookieOptions(http));
        return Results.Redirect(ApiKeyAuthenticationHandler.DashboardPath);
    }

    private static async Task EventsAsync(HttpContext http, DashboardChanges changes)
    {
        if (Viewer(http) is null)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        var aborted = http.RequestAborted;
        long seen = changes.Version;
        await http.Response.WriteAsync("retry: 2000\n\n", aborted);
        await http.Response.Body.FlushAsync(aborted);
        while (!aborted.IsCancellationRequested)
        {
            long version = await changes.WaitAsync(seen, TimeSpan.FromSeconds(15), aborted);
            // A comment line keeps proxies and the browser from timing the stream out.
            await http.Response.WriteAsync(version == seen ? ": still here\n\n" : $"event: changed\ndata: {version}\n\n", aborted);
            await http.Response.Body.FlushAsync(aborted);
            seen = version;
        }
    }

    private static PlatformPrincipal? Viewer(HttpContext http) =>
        PlatformPrincipal.From(http.User) is { } principal && principal.Roles.Overlaps(ViewerRoles) ? principal : null;

    private static CookieOptions CookieOptions(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = ApiKeyAuthenticationHandler.DashboardPath,
        MaxAge = TimeSpan.FromHours(12),
    };

    private static IResult Page(string resource, string insert, int status = StatusCodes.Status200OK)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)!;
        string html = new StreamReader(stream).ReadToEnd().Replace("<!--INSERT-->", insert, StringComparison.Ordinal);
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
