using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using Warnings.Core.Identity;

namespace Warnings.Analysis.Dashboard;

/// <summary>
/// Pairing a wall screen: <c>GET /dashboard/pair</c> is a form for the one-time code an operator
/// got when issuing a display session (the link <c>/dashboard/pair#code</c> fills it in and sends
/// it: a fragment never reaches a server or its logs); <c>POST /dashboard/pair</c> (same origin, with
/// the form's token, like the login) trades the code for the screen's own cookie: HttpOnly,
/// SameSite=Strict, for <c>/dashboard</c> only, until the session expires.
/// </summary>
public static class DisplayPairing
{
    private const string Page = "pair.html";

    public static void MapDisplayPairing(this RouteGroupBuilder group)
    {
        group.MapGet("/pair", (HttpContext http) => DashboardEndpoints.FormPage(http, Page, ""));
        group.MapPost("/pair", PairAsync).DisableAntiforgery();
    }

    private static async Task<IResult> PairAsync(HttpContext http, DisplaySessions displays, IClock clock)
    {
        var (form, refusal) = await DashboardEndpoints.ReadOwnFormAsync(http, Page, "请重新打开配对链接。 The pairing form expired; open the pairing link again.");
        if (refusal is not null)
        {
            return refusal;
        }

        if (await displays.PairAsync(form!["code"].ToString().Trim()) is not { } paired)
        {
            return DashboardEndpoints.FormPage(http, Page,
                "<p class=\"error\">配对码无效、已使用或已过期。 This pairing code is unknown, used or expired; ask an operator for a new one.</p>", StatusCodes.Status401Unauthorized);
        }

        DashboardEndpoints.DeleteFormToken(http);
        var options = DashboardEndpoints.CookieOptions(http);
        options.MaxAge = (paired.Session.ExpiresAt - clock.GetCurrentInstant()).ToTimeSpan();
        http.Response.Cookies.Append(ApiKeyAuthenticationHandler.DisplayCookie, paired.Cookie, options);
        // A person's sign-in on this browser would take precedence over the screen's: end it here.
        http.Response.Cookies.Delete(ApiKeyAuthenticationHandler.DashboardCookie, DashboardEndpoints.CookieOptions(http));
        return Results.Redirect(ApiKeyAuthenticationHandler.DashboardPath);
    }
}
