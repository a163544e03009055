using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Analysis;

/// <summary>
/// The dashboard's sign-in over plain HTTP: a server-side session whose cookie holds no key, ended by
/// signing out and by revoking the key, a same-origin form with a token, and pages that cannot be framed.
/// </summary>
public sealed partial class DashboardSessionTests(EmbeddedPlatformFixture fixture) : IClassFixture<EmbeddedPlatformFixture>
{
    [GeneratedRegex("name=\"form_token\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    private string Base => fixture.Platform.HttpAddress;

    private static HttpClient NewClient() => new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false });

    private static string? Cookie(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Where(v => v.StartsWith(name + "=", StringComparison.Ordinal)).Select(v => v[(name.Length + 1)..].Split(';')[0]).LastOrDefault()
            : null;

    private static string? SetCookieLine(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.LastOrDefault(v => v.StartsWith(name + "=", StringComparison.Ordinal)) : null;

    private async Task<(string Cookie, string Token)> LoginFormAsync(HttpClient http)
    {
        using var page = await http.GetAsync($"{Base}/dashboard/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        string token = FormToken().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        return ($"warnings_dashboard_form={Cookie(page, "warnings_dashboard_form")}", token);
    }

    private async Task<HttpResponseMessage> PostLoginAsync(HttpClient http, string key, string? origin = "self", bool withToken = true)
    {
        var (cookie, token) = await LoginFormAsync(http);
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Base}/dashboard/login")
        {
            Content = new FormUrlEncodedContent(withToken ? [new("key", key), new("form_token", token)] : [new KeyValuePair<string, string>("key", key)]),
        };
        request.Headers.Add("Cookie", cookie);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin == "self" ? Base : origin);
        }

        return await http.SendAsync(request);
    }

    private async Task<(string Session, HttpResponseMessage Response)> SignInAsync(HttpClient http, string key)
    {
        var response = await PostLoginAsync(http, key);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return (Cookie(response, "warnings_dashboard")!, response);
    }

    private async Task<HttpStatusCode> StateAsync(HttpClient http, string session)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Base}/dashboard/state");
        request.Headers.Add("Cookie", $"warnings_dashboard={session}");
        return (await http.SendAsync(request)).StatusCode;
    }

    private async Task<IssueApiKeyResponse> NewAnalystKeyAsync() =>
        await fixture.Platform.Client(c => new IdentityService.IdentityServiceClient(c), Roles.Operator).IssueApiKeyAsync(new IssueApiKeyRequest
        {
            RequestId = $"k-{Guid.NewGuid():N}", PrincipalId = $"viewer.{Guid.NewGuid():N}"[..20], Roles = { Roles.Analyst },
        });

    [Fact]
    public async Task The_session_cookie_holds_no_key()
    {
        using var http = NewClient();
        string key = TestIdentities.Keys[Roles.Analyst];
        var (session, response) = await SignInAsync(http, key);

        Assert.NotNull(session);
        Assert.DoesNotContain(session, key);
        Assert.DoesNotContain(key, session);
        Assert.DoesNotContain(key.Split('_')[^1], session);
        Assert.True(session.Length >= 43); // 256 random bits
        string line = SetCookieLine(response, "warnings_dashboard")!;
        Assert.Contains("httponly", line, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", line, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/dashboard", line, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, await StateAsync(http, session));
        Assert.Equal(HttpStatusCode.Unauthorized, await StateAsync(http, key)); // the key itself is no cookie
    }

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server()
    {
        using var http = NewClient();
        var (session, _) = await SignInAsync(http, TestIdentities.Keys[Roles.Analyst]);
        Assert.Equal(HttpStatusCode.OK, await StateAsync(http, session));

        var logout = new HttpRequestMessage(HttpMethod.Post, $"{Base}/dashboard/logout");
        logout.Headers.Add("Cookie", $"warnings_dashboard={session}");
        Assert.Equal(HttpStatusCode.Redirect, (await http.SendAsync(logout)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await StateAsync(http, session)); // the old cookie, replayed
    }

    [Fact]
    public async Task A_revoked_keys_session_is_refused()
    {
        using var http = NewClient();
        var issued = await NewAnalystKeyAsync();
        var (session, _) = await SignInAsync(http, issued.ApiKey);
        Assert.Equal(HttpStatusCode.OK, await StateAsync(http, session));

        await fixture.Platform.Client(c => new IdentityService.IdentityServiceClient(c), Roles.Operator)
            .RevokeApiKeyAsync(new RevokeApiKeyRequest { RequestId = $"r-{Guid.NewGuid():N}", KeyId = issued.KeyId, Reason = "left" });

        Assert.Equal(HttpStatusCode.Unauthorized, await StateAsync(http, session));
    }

    [Fact]
    public async Task A_cross_origin_or_tokenless_login_is_refused()
    {
        using var http = NewClient();
        string key = TestIdentities.Keys[Roles.Analyst];

        var crossOrigin = await PostLoginAsync(http, key, origin: "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, crossOrigin.StatusCode);
        Assert.Null(Cookie(crossOrigin, "warnings_dashboard"));

        var noOrigin = await PostLoginAsync(http, key, origin: null);
        Assert.Equal(HttpStatusCode.Forbidden, noOrigin.StatusCode);

        var noToken = await PostLoginAsync(http, key, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Null(Cookie(noToken, "warnings_dashboard"));
    }

    [Fact]
    public async Task A_login_that_is_not_a_form_is_a_client_error_not_a_server_error()
    {
        using var http = NewClient();
        var json = new HttpRequestMessage(HttpMethod.Post, $"{Base}/dashboard/login") { Content = new StringContent("{\"key\":\"x\"}", Encoding.UTF8, "application/json") };
        json.Headers.Add("Origin", Base);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await http.SendAsync(json)).StatusCode);

        var broken = new HttpRequestMessage(HttpMethod.Post, $"{Base}/dashboard/login")
        {
            Content = new StringContent("--x\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nno end", Encoding.UTF8),
        };
        broken.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        broken.Headers.Add("Origin", Base);
        var status = (int)(await http.SendAsync(broken)).StatusCode;
        Assert.InRange(status, 400, 499);
    }

    [Fact]
    public async Task Dashboard_pages_cannot_be_framed()
    {
        using var http = NewClient();
        var (session, _) = await SignInAsync(http, TestIdentities.Keys[Roles.Analyst]);
        foreach (var path in new[] { "/dashboard/login", "/dashboard", "/dashboard/state" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"{Base}{path}");
            request.Headers.Add("Cookie", $"warnings_dashboard={session}");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        }
    }
}
