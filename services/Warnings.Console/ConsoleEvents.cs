using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warnings.Core.Identity;

namespace Warnings.DutyConsole;

/// <summary>
/// <c>GET /console/events?warning={id}</c>: server-sent events for an open console page. "delivery"
/// when that warning's delivery records changed, "list" when the publication list did; the page then
/// reads the new state through the API. A comment line every 15 s keeps the stream open.
/// </summary>
public static class ConsoleEvents
{
    public static void MapConsoleEvents(this RouteGroupBuilder group) => group.MapGet("/events", EventsAsync);

    private static async Task EventsAsync(HttpContext http, ConsoleChanges changes)
    {
        if (!http.Request.Cookies.ContainsKey(ApiKeyAuthenticationHandler.ConsoleCookie)
            || PlatformPrincipal.From((await http.AuthenticateAsync()).Principal) is null)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        string warning = http.Request.Query["warning"].ToString();
        if (warning.Length > 64)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var (reader, lease) = changes.Listen();
        using var _ = lease;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        var aborted = http.RequestAborted;
        await http.Response.WriteAsync("retry: 2000\n\n", aborted);
        await http.Response.Body.FlushAsync(aborted);
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                wait.CancelAfter(TimeSpan.FromSeconds(15));
                string line;
                try
                {
                    var change = await reader.ReadAsync(wait.Token);
                    if (change.Kind == "delivery" && change.Subject != warning)
                    {
                        continue;
                    }

                    line = $"event: {change.Kind}\ndata: {change.Subject}\n\n";
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    line = ": still here\n\n";
                }

                await http.Response.WriteAsync(line, aborted);
                await http.Response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
    }
}
