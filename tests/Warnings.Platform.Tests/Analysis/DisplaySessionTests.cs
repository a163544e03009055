using System.Net;
using System.Text.RegularExpressions;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Identity;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Analysis;

/// <summary>
/// A wall screen's display session: an operator issues it, the screen pairs once with the code and
/// reads the dashboard with its own cookie, which opens nothing else (no API, no console); revoking
/// it refuses the next request and ends an open event stream.
/// </summary>
public sealed partial class DisplaySessionTests(EmbeddedPlatformFixture fixture) : IClassFixture<EmbeddedPlatformFixture>
{
    [GeneratedRegex("name=\"form_token\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    private string Base => fixture.Platform.HttpAddress;

    private IdentityService.IdentityServiceClient Operator => fixture.Platform.Client(c => new IdentityService.IdentityServiceClient(c), Roles.Operator);

    private static HttpClient NewClient() => new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false });

    private static string? Cookie(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Where(v => v.StartsWith(name + "=", StringComparison.Ordinal)).Select(v => v[(name.Length + 1)..].Split(';')[0]).LastOrDefault()
            : null;

    private Task<IssueDisplaySessionResponse> IssueAsync(string label = "指挥大厅 左屏") =>
        Operator.IssueDisplaySessionAsync(new IssueDisplaySessionRequest { RequestId = $"ds-{Guid.NewGuid():N}", Label = label }).ResponseAsync;

    private async Task<HttpResponseMessage> PairAsync(HttpClient http, string code)
    {
        using var page = await http.GetAsync($"{Base}/dashboard/pair");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        string token = FormToken().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Base}/dashboard/pair")
        {
            Content = new FormUrlEncodedContent([new("code", code), new("form_token", token)]),
        };
        request.Headers.Add("Cookie", $"warnings_dashboard_form={Cookie(page, "warnings_dashboard_form")}");
        request.Headers.Add("Origin", Base);
        return await http.SendAsync(request);
    }

    private async Task<HttpStatusCode> GetAsync(HttpClient http, string path, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Base}{path}");
        request.Headers.Add("Cookie", $"warnings_display={cookie}; warnings_console={cookie}");
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_paired_screen_reads_the_dashboard_and_nothing_else_until_revoked()
    {
        using var http = NewClient();
        var issued = await IssueAsync();
        Assert.Equal("awaiting_pairing", issued.Info.Status);
        Assert.Equal("/dashboard/pair", issued.PairingPath);

        var paired = await PairAsync(http, issued.PairingCode);
        Assert.Equal(HttpStatusCode.Redirect, paired.StatusCode);
        string cookie = Cookie(paired, "warnings_display")!;
        string line = paired.Headers.GetValues("Set-Cookie").Single(v => v.StartsWith("warnings_display=", StringComparison.Ordinal));
        Assert.Contains("httponly", line, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", line, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/dashboard", line, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.OK, await GetAsync(http, "/dashboard", cookie));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(http, "/dashboard/state", cookie));
        // Sent everywhere (as a stolen cookie would be), it opens nothing but the dashboard.
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(http, "/v1/identity:whoAmI", cookie));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(http, "/v1/identity:listDisplaySessions", cookie));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(http, "/whoami", cookie));
        Assert.NotEqual(HttpStatusCode.OK, await GetAsync(http, "/console/session", cookie));

        // The code paired once.
        Assert.Equal(HttpStatusCode.Unauthorized, (await PairAsync(http, issued.PairingCode)).StatusCode);

        await Operator.RevokeDisplaySessionAsync(new RevokeDisplaySessionRequest { RequestId = $"r-{Guid.NewGuid():N}", DisplayId = issued.Info.DisplayId, Reason = "screen replaced" });

        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(http, "/dashboard/state", cookie));
        var listed = (await Operator.ListDisplaySessionsAsync(new ListDisplaySessionsRequest { PageSize = 500 })).Sessions.Single(s => s.DisplayId == issued.Info.DisplayId);
        Assert.Equal("revoked", listed.Status);
        Assert.Equal("screen replaced", listed.RevokeReason);
    }

    [Fact]
    public async Task Revoking_ends_the_screens_open_event_stream()
    {
        using var http = NewClient();
        var issued = await IssueAsync("大厅 右屏");
        string cookie = Cookie(await PairAsync(http, issued.PairingCode), "warnings_display")!;
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Base}/dashboard/events");
        request.Headers.Add("Cookie", $"warnings_display={cookie}");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var reader = new StreamReader(stream);
        Assert.StartsWith("retry:", await reader.ReadLineAsync());

        await Operator.RevokeDisplaySessionAsync(new RevokeDisplaySessionRequest { RequestId = $"r-{Guid.NewGuid():N}", DisplayId = issued.Info.DisplayId, Reason = "stolen" });

        // The server ends the stream: reading reaches its end (not a timeout of ours).
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await reader.ReadLineAsync(deadline.Token) is not null)
        {
        }
    }

    [Fact]
    public async Task Secrets_are_kept_only_as_hashes()
    {
        using var http = NewClient();
        var issued = await IssueAsync();
        string cookie = Cookie(await PairAsync(http, issued.PairingCode), "warnings_display")!;

        var (session, stored) = await fixture.Platform.Services.GetRequiredService<DisplaySessions>().ReadAsync(issued.Info.DisplayId);

        Assert.NotNull(session);
        Assert.DoesNotContain(issued.PairingCode, stored);
        Assert.DoesNotContain(cookie, stored);
        Assert.Equal(SessionSecrets.Hash(cookie), session.CookieHash);
    }

    [Fact]
    public async Task Bad_requests_are_typed_refusals()
    {
        var now = fixture.Clock.GetCurrentInstant();
        var tooLong = await Assert.ThrowsAsync<RpcException>(() => Operator.IssueDisplaySessionAsync(new IssueDisplaySessionRequest
        {
            RequestId = $"ds-{Guid.NewGuid():N}", Label = "大屏", ExpiresAt = (now + Duration.FromDays(91)).ToTimestamp(),
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, tooLong.StatusCode);
        Assert.Equal("expires_at", Assert.Single(tooLong.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);

        var noLabel = await Assert.ThrowsAsync<RpcException>(() => Operator.IssueDisplaySessionAsync(new IssueDisplaySessionRequest { RequestId = $"ds-{Guid.NewGuid():N}" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, noLabel.StatusCode);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => Operator.RevokeDisplaySessionAsync(new RevokeDisplaySessionRequest { RequestId = $"r-{Guid.NewGuid():N}", DisplayId = "ds_nosuch", Reason = "x" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

        var analyst = fixture.Platform.Client(c => new IdentityService.IdentityServiceClient(c), Roles.Analyst);
        var notOperator = await Assert.ThrowsAsync<RpcException>(() => analyst.IssueDisplaySessionAsync(new IssueDisplaySessionRequest { RequestId = $"ds-{Guid.NewGuid():N}", Label = "x" }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notOperator.StatusCode);
    }
}
