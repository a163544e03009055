using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Console;

/// <summary>The console session: CSRF on every state-changing request, sign-out, revocation, SSO tokens, and every page's checks.</summary>
public sealed partial class ConsoleBrowserTests
{
    private const string DraftBody = """{"requestId":"csrf-1","content":{"hazard":"typhoon","level":"blue","districts":["310101"],"channels":["website"],"texts":[{"language":"zh-CN","headline":"x"}]}}""";

    [Fact]
    public async Task A_state_changing_request_without_the_csrf_token_is_refused_and_a_signed_out_session_cannot_act()
    {
        using var client = SessionClient();
        string csrf = await SignInAsync(client, $"ApiKey {TestIdentities.Keys[Roles.DutyOfficer]}");

        using (var refused = await client.SendAsync(Post("/v1/warnings", DraftBody)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("CSRF_TOKEN_INVALID", await refused.Content.ReadAsStringAsync());
        }

        using (var foreign = await client.SendAsync(Post("/v1/warnings", DraftBody, csrf, origin: "https://elsewhere.example")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        }

        var whoAmI = JsonNode.Parse(await client.GetStringAsync("/v1/identity:whoAmI"))!;
        Assert.Equal("test-duty_officer", (string?)whoAmI["id"]);
        string check = $$"""{"department":"SMB","hazard":"typhoon","level":"red","areas":["310101"],"channels":["sms"],"languages":["zh-CN"],"onsetAt":"{{DateTime.UtcNow:O}}","expiresAt":"{{DateTime.UtcNow.AddHours(2):O}}"}""";
        using (var allowed = await client.SendAsync(Post("/v1/publication-list:check", check, csrf)))
        {
            Assert.True(allowed.StatusCode == HttpStatusCode.OK, await allowed.Content.ReadAsStringAsync());
        }

        string cookie = Cookies(client).GetCookieHeader(new Uri(fixture.Http));
        using (var signOut = await client.SendAsync(Post("/console/session/end", "{}", csrf)))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        }

        // The cookie the browser had is worth nothing now, token or not.
        using var kept = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(fixture.Http) };
        var replay = Post("/v1/warnings", DraftBody.Replace("csrf-1", "csrf-2"), csrf);
        replay.Headers.Add("Cookie", cookie);
        using var after = await kept.SendAsync(replay);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("SESSION_INVALID", await after.Content.ReadAsStringAsync());

        // In the browser: signing out lands on the sign-in page, and the console is closed to the old session.
        await using var browser = await ConsoleBrowser.StartAsync(fixture.Http);
        await browser.SignInAsync(TestIdentities.Keys[Roles.DutyOfficer]);
        var refusal = await browser.EvaluateAsync("""
            fetch('/v1/warnings', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })
              .then(async r => r.status + ' ' + (await r.text()))
            """);
        Assert.StartsWith("403", (string?)refusal);
        Assert.Contains("CSRF_TOKEN_INVALID", (string?)refusal);
        browser.Chromium.ClearProblems(); // the refused call above is logged by the browser, as it should be
        await browser.ClickAsync("#signout");
        await browser.UntilAsync("location.pathname === '/console/login' && document.readyState === 'complete'", "the sign-in page after signing out");
        await browser.Chromium.NavigateAsync($"{fixture.Http}/console");
        await browser.UntilAsync("location.pathname === '/console/login' && document.readyState === 'complete' && !!document.getElementById('credential')", "the console closed after signing out");
        await browser.AssertAccessibleAsync("sign-in");
        await browser.ScreenshotAsync("sign-in");
        await browser.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Revoking_the_key_ends_its_console_session_and_an_sso_token_opens_one()
    {
        var identity = fixture.Platform.Client(c => new IdentityService.IdentityServiceClient(c), Roles.Operator);
        var issued = await identity.IssueApiKeyAsync(new IssueApiKeyRequest { RequestId = $"k-{Guid.NewGuid():N}", PrincipalId = "officer-wang", Roles = { Roles.DutyOfficer }, Department = "SMB" });
        using var client = SessionClient();
        await SignInAsync(client, $"ApiKey {issued.ApiKey}");
        Assert.Equal("officer-wang", (string?)JsonNode.Parse(await client.GetStringAsync("/v1/identity:whoAmI"))!["id"]);
        await identity.RevokeApiKeyAsync(new RevokeApiKeyRequest { RequestId = $"r-{Guid.NewGuid():N}", KeyId = issued.KeyId, Reason = "left the duty room" });
        using (var revoked = await client.GetAsync("/v1/identity:whoAmI"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
            Assert.Contains("API_KEY_REVOKED", await revoked.Content.ReadAsStringAsync());
        }

        using var sso = SessionClient();
        string jwt = TestIdentities.MintJwt("approver-li", [Roles.Approver], DateTime.UtcNow.AddHours(1), department: "SMB");
        await SignInAsync(sso, $"Bearer {jwt}");
        var me = JsonNode.Parse(await sso.GetStringAsync("/v1/identity:whoAmI"))!;
        Assert.Equal("approver-li", (string?)me["id"]);

        using var partner = SessionClient();
        using var refused = await partner.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/console/session") { Headers = { { "Authorization", $"ApiKey {TestIdentities.Keys[Roles.Partner]}" } } });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Every_page_passes_the_accessibility_check_without_browser_errors_and_the_first_page_is_light()
    {
        var officer = fixture.Officer;
        var now = DateTimeOffset.UtcNow;
        var draft = await officer.CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = $"d-{Guid.NewGuid():N}",
            Content = new WarningContent
            {
                Hazard = "heat", Level = "orange", Districts = { "310000" }, Channels = { "website", "sms" },
                OnsetAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now), ExpiresAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now.AddHours(8)),
                Texts = { new WarningText { Language = "zh-CN", Headline = "上海市高温橙色预警" } },
            },
        });
        await officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"p-{Guid.NewGuid():N}", WarningId = draft.Id });

        // One person holding every console role, signed in with the city SSO's token.
        string jwt = TestIdentities.MintJwt("chief-zhang", [Roles.DutyOfficer, Roles.Approver, Roles.ListAdmin, Roles.Operator], DateTime.UtcNow.AddHours(1), department: "SMB");
        await using var browser = await ConsoleBrowser.StartAsync(fixture.Http);
        await browser.SignInAsync(jwt, "Bearer");
        await browser.UntilAsync("document.getElementById('main').dataset.view === 'desk' && !!document.querySelector('#main table, #main p')", "the desk");
        long firstPage = await browser.PageBytesAsync();
        Assert.True(firstPage < 500_000, $"the first page loaded {firstPage} bytes");
        await browser.AssertAccessibleAsync("desk");
        await browser.ScreenshotAsync("desk");

        foreach (var (hash, view, ready) in new[]
        {
            ("#/inbox", "inbox", "!!document.querySelector('[data-section=waitFastTrack] .countdown')"),
            ($"#/warning/{draft.Id}", "warning", "document.querySelectorAll('#board tr').length === 2 && !!document.querySelector('.banner')"),
            ("#/list", "list", "!!document.querySelector('#history tbody tr')"),
            ("#/ops", "ops", "!!document.querySelector('#keys table') && !!document.querySelector('#platform-info dd')"),
        })
        {
            await browser.GoAsync(hash, view);
            await browser.UntilAsync(ready, $"the {view} page filled in");
            if (view == "list")
            {
                await browser.ClickAsync("[data-edit-template=\"smb-typhoon-red\"]");
                await browser.UntilAsync("document.getElementById('t-zh-CN-headline')?.value === '{hazard}{level}预警'", "the template editor");
                await browser.AssertAccessibleAsync("template editor");
                await browser.ScreenshotAsync("list-template-editor");
            }

            if (view == "ops")
            {
                await browser.ClickAsync("#verify-audit");
                await browser.UntilAsync("!!document.querySelector('#audit-result p')", "the audit chain verified");
            }

            await browser.AssertAccessibleAsync(view);
            await browser.ScreenshotAsync(view == "warning" ? "warning-fast-track" : view);
        }

        await browser.GoAsync("#/new", "draft");
        await browser.UntilAsync(FormReady, "the form");
        await browser.EvaluateAsync("document.getElementById('lang').click(); true");
        await browser.UntilAsync("document.documentElement.lang === 'en' && document.querySelector('#main h1')?.textContent === 'New warning'", "the console in English");
        await browser.UntilAsync(FormReady, "the form in English");
        await browser.AssertAccessibleAsync("new warning (en)");
        await browser.ScreenshotAsync("new-warning-en");

        // A tablet, upright: one column.
        await browser.Chromium.SetViewportAsync(820, 1180);
        await browser.UntilAsync("getComputedStyle(document.querySelector('form.warning-form')).gridTemplateColumns.split(' ').length === 1", "one column on a tablet");
        await browser.AssertAccessibleAsync("new warning (tablet)");
        await browser.ScreenshotAsync("new-warning-tablet");
        await browser.AssertNoProblemsAsync();
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<HttpClient, CookieContainer> Jars = new();

    private static CookieContainer Cookies(HttpClient client) => Jars.TryGetValue(client, out var jar) ? jar : throw new InvalidOperationException("not a session client");

    private HttpClient SessionClient()
    {
        var jar = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = jar, UseCookies = true }) { BaseAddress = new Uri(fixture.Http) };
        Jars.Add(client, jar);
        return client;
    }

    private static async Task<string> SignInAsync(HttpClient client, string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/console/session") { Headers = { { "Authorization", authorization } } };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("HttpOnly", string.Join(";", response.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("SameSite=Strict", string.Join(";", response.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        return (string)(await response.Content.ReadFromJsonAsync<JsonNode>())!["csrfToken"]!;
    }

    private static HttpRequestMessage Post(string path, string json, string? csrf = null, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (csrf is not null)
        {
            request.Headers.Add("X-CSRF-Token", csrf);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }
}
