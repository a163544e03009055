using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using Warnings.Analysis.Projections;
using Warnings.Core.Identity;
using Warnings.PublicationList.Storage;
using Warnings.Reporting.Domain;

namespace Warnings.Analysis.Dashboard;

/// <summary>
/// The situation dashboard on the HTTP port: <c>/dashboard</c> (the page, with the district map),
/// <c>/dashboard/state</c> (its data as JSON), <c>/dashboard/events</c> (server-sent events: "changed"
/// whenever a projection changes, so the page updates without a reload) and a login page that starts
/// a server-side session (<see cref="DashboardSessions"/>): the HttpOnly, SameSite=Strict cookie valid for
/// <c>/dashboard</c> only holds a random session id, never the key; signing out deletes the session, and
/// revoking the key ends it. The login form is same-origin only (Origin or Referer) and carries a token
/// that must match its cookie. No dashboard page may be framed. Viewers: analysts, approvers
/// (leadership), duty officers and operators, and wall screens paired through a display session
/// (<see cref="DisplayPairing"/>). An open event stream ends when its session does.
/// </summary>
public static class DashboardEndpoints
{
    private static readonly string[] ViewerRoles = [Roles.Analyst, Roles.Approver, Roles.DutyOfficer, Roles.Operator, Roles.Display];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(ApiKeyAuthenticationHandler.DashboardPath).AllowAnonymous();
        group.AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.CacheControl = "no-store";
            return await next(context);
        });
        group.MapGet("/login", (HttpContext http) => FormPage(http, "login.html", ""));
        group.MapPost("/login", LoginAsync).DisableAntiforgery();
        group.MapPost("/logout", async (HttpContext http, DashboardSessions sessions) =>
        {
            if (http.Request.Cookies.TryGetValue(ApiKeyAuthenticationHandler.DashboardCookie, out var session))
            {
                await sessions.RevokeAsync(session);
            }

            http.Response.Cookies.Delete(ApiKeyAuthenticationHandler.DashboardCookie, CookieOptions(http));
            return Results.Redirect($"{ApiKeyAuthenticationHandler.DashboardPath}/login");
        }).DisableAntiforgery();
        group.MapDisplayPairing();
        group.MapGet("", (HttpContext http, DistrictMap map) =>
            Viewer(http) is null ? Results.Redirect($"{ApiKeyAuthenticationHandler.DashboardPath}/login") : Page("dashboard.html", DistrictSvg.Render(map)));
        group.MapGet("/state", async (HttpContext http, ProjectionStore projections, ListSnapshots lists, DistrictMap map, AnalysisOptions options, IClock clock) =>
            Viewer(http) is null
                ? Results.Unauthorized()
                : Results.Json(DashboardState.Build(await projections.WarningsAsync(), await projections.IncidentsAsync(), map, (await lists.CurrentAsync()).Names, options.Risk, clock.GetCurrentInstant(),
                    Viewer(http)!.HasRole(Roles.Display)), Json));
        group.MapGet("/events", EventsAsync);
    }

    private static async Task<IResult> LoginAsync(HttpContext http, ApiKeyRegistry keys, DashboardSessions sessions)
    {
        var (form, refusal) = await ReadOwnFormAsync(http, "login.html", "请重新登录。 The sign-in form expired; please sign in again.");
        if (refusal is not null)
        {
            return refusal;
        }

        string key = form!["key"].ToString().Trim();
        if (key.Length == 0 || key.Length > 256 || await keys.CheckAsync(key) is not { Status: ApiKeyStatus.Valid } check || !check.Record!.ToPrincipal().Roles.Overlaps(ViewerRoles))
        {
            return FormPage(http, "login.html", "<p class=\"error\">这个密钥不能查看态势图。 This key cannot view the dashboard.</p>", StatusCodes.Status401Unauthorized);
        }

        DeleteFormToken(http);
        http.Response.Cookies.Append(ApiKeyAuthenticationHandler.DashboardCookie, await sessions.CreateAsync(check.Record), CookieOptions(http));
        return Results.Redirect(ApiKeyAuthenticationHandler.DashboardPath);
    }

    private const string FormTokenCookie = "warnings_dashboard_form";

    internal static void DeleteFormToken(HttpContext http) => http.Response.Cookies.Delete(FormTokenCookie, CookieOptions(http));
    private const string FormTokenField = "form_token";

    // The login page with a fresh form token, also set as a cookie: a cross-site form cannot read
    // the page to learn it (double submit), besides being refused for its Origin.
    internal static IResult FormPage(HttpContext http, string resource, string message, int status = StatusCodes.Status200OK)
    {
        string token = SessionSecrets.New();
        http.Response.Cookies.Append(FormTokenCookie, token, CookieOptions(http));
        return Page(resource, $"{message}<input type=\"hidden\" name=\"{FormTokenField}\" value=\"{token}\">", status);
    }

    /// <summary>
    /// A POST of one of the dashboard's own forms: same origin, a form, and the form token its page
    /// set; otherwise the refusal to answer with (<paramref name="expired"/> on a fresh form page).
    /// </summary>
    internal static async Task<(IFormCollection? Form, IResult? Refusal)> ReadOwnFormAsync(HttpContext http, string resource, string expired)
    {
        if (!SameOrigin(http))
        {
            return (null, Results.Text("A dashboard form must come from the dashboard's own page.", statusCode: StatusCodes.Status403Forbidden));
        }

        if (!http.Request.HasFormContentType)
        {
            return (null, Results.Text("This takes a form (application/x-www-form-urlencoded).", statusCode: StatusCodes.Status415UnsupportedMediaType));
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, Results.Text("The form could not be read.", statusCode: StatusCodes.Status400BadRequest));
        }

        string token = form[FormTokenField].ToString();
        if (!http.Request.Cookies.TryGetValue(FormTokenCookie, out var expected) || expected.Length < 40 || token.Length != expected.Length
            || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(token), System.Text.Encoding.ASCII.GetBytes(expected)))
        {
            return (null, FormPage(http, resource, $"<p class=\"error\">{expired}</p>", StatusCodes.Status400BadRequest));
        }

        return (form, null);
    }

    // A state-changing POST must name this very origin: in Origin (every current browser sends it on
    // a form POST), or else in Referer. A request with neither is refused.
    private static bool SameOrigin(HttpContext http)
    {
        string self = $"{http.Request.Scheme}://{http.Request.Host}";
        string? origin = http.Request.Headers.Origin;
        if (!string.IsNullOrEmpty(origin))
        {
            return string.Equals(origin, self, StringComparison.OrdinalIgnoreCase);
        }

        return Uri.TryCreate(http.Request.Headers.Referer.ToString(), UriKind.Absolute, out var referer)
            && string.Equals(referer.GetLeftPart(UriPartial.Authority), self, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task EventsAsync(HttpContext http, DashboardChanges changes, DashboardSessions sessions, DisplaySessions displays)
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
            if (!await StillSignedInAsync(http, sessions, displays))
            {
                return; // revoked, signed out or expired: the stream ends, and the page's next request is refused
            }
        }
    }

    // The session the stream was opened with, as it is now (a key in a header is checked per request anyway).
    private static async Task<bool> StillSignedInAsync(HttpContext http, DashboardSessions sessions, DisplaySessions displays)
    {
        var cookies = http.Request.Cookies;
        if (Viewer(http)!.HasRole(Roles.Display))
        {
            return await displays.CheckAsync(cookies[ApiKeyAuthenticationHandler.DisplayCookie] ?? "") is not null;
        }

        return !cookies.TryGetValue(ApiKeyAuthenticationHandler.DashboardCookie, out var session) || !string.IsNullOrWhiteSpace(http.Request.Headers.Authorization)
            || (await sessions.CheckAsync(session)).Status == ApiKeyStatus.Valid;
    }

    private static PlatformPrincipal? Viewer(HttpContext http) =>
        PlatformPrincipal.From(http.User) is { } principal && principal.Roles.Overlaps(ViewerRoles) ? principal : null;

    internal static CookieOptions CookieOptions(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = ApiKeyAuthenticationHandler.DashboardPath,
        MaxAge = DashboardSessions.Lifetime.ToTimeSpan(),
    };

    internal static IResult Page(string resource, string insert, int status = StatusCodes.Status200OK)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)!;
        string html = new StreamReader(stream).ReadToEnd().Replace("<!--INSERT-->", insert, StringComparison.Ordinal);
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
