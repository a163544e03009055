using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Rest;

/// <summary>
/// What a plain HTTP client can count on anywhere on the HTTP port: HEAD answers as GET does, a 401
/// says how to authenticate, a 429 says when to come back, a body member the request message does
/// not have is refused by name, custom methods live on their resource (AIP-136) while the earlier
/// collection routes still answer, and every error (REST, feeds, CAP documents, pages' APIs, unknown
/// paths) is one google.rpc.Status JSON shape.
/// </summary>
public sealed class HttpPortConventionsTests(EmbeddedPlatformFixture fixture) : IClassFixture<EmbeddedPlatformFixture>
{
    private HttpClient Http => fixture.Platform.Http;

    private static HttpRequestMessage Request(HttpMethod method, string path, string? json = null, string? role = Roles.DutyOfficer)
    {
        var request = new HttpRequestMessage(method, path);
        if (role is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("ApiKey", TestIdentities.Keys[role]);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    private async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            var response = await Http.SendAsync(request);
            string text = await response.Content.ReadAsStringAsync();
            return (response, text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json" ? JsonNode.Parse(text) : null);
        }
    }

    private static string? Reason(JsonNode? status) =>
        status?["details"]?.AsArray().FirstOrDefault(d => ((string?)d!["@type"])?.EndsWith("google.rpc.ErrorInfo", StringComparison.Ordinal) == true)?["reason"]?.GetValue<string>();

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/feeds/cap.atom")]
    [InlineData("/alerts/no-such-alert.xml")]
    [InlineData("/dashboard/login")]
    [InlineData("/console/login")]
    [InlineData("/openapi.json")]
    public async Task HEAD_answers_as_GET_does_without_the_body(string path)
    {
        using var get = await Http.GetAsync(path);
        byte[] getBody = await get.Content.ReadAsByteArrayAsync();
        using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        byte[] headBody = await head.Content.ReadAsByteArrayAsync();

        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, head.StatusCode);
        Assert.Empty(headBody);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Equal(getBody.Length, head.Content.Headers.ContentLength);
    }

    [Theory]
    [InlineData("GET", "/v1/warnings/w-1", null)]
    [InlineData("POST", "/v1/warnings", "{\"requestId\":\"anon\"}")]
    [InlineData("GET", "/dashboard/state", null)]
    [InlineData("POST", "/console/session", null)]
    [InlineData("GET", "/console/events", null)]
    public async Task A_401_says_how_to_authenticate_in_the_one_error_shape(string method, string path, string? json)
    {
        var (response, body) = await SendAsync(Request(new HttpMethod(method), path, json, role: null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenges = response.Headers.WwwAuthenticate.Select(c => c.Scheme).ToList();
        Assert.Contains("ApiKey", challenges);
        Assert.Contains("Bearer", challenges);
        Assert.Contains(response.Headers.WwwAuthenticate, c => c.Parameter == "realm=\"warnings\"");
        Assert.Equal(16, (int?)body?["code"]);
        Assert.Equal("CREDENTIALS_MISSING", Reason(body));
    }

    [Fact]
    public async Task A_body_member_the_request_message_does_not_have_is_refused_by_name()
    {
        string json = """{"requestId":"rest-unknown","warningID":"w-1","content":{"hazard":"typhoon","levle":"red","texts":[{"language":"zh-CN","titel":"x"}]}}""";

        var (response, body) = await SendAsync(Request(HttpMethod.Post, "/v1/warnings", json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(3, (int?)body!["code"]);
        Assert.Equal("UNKNOWN_FIELD", Reason(body));
        var fields = body["details"]!.AsArray().Single(d => ((string?)d!["@type"])!.EndsWith("google.rpc.BadRequest", StringComparison.Ordinal))!["fieldViolations"]!
            .AsArray().Select(v => (string?)v!["field"]).ToList();
        Assert.Equal(["warningID", "content.levle", "content.texts[0].titel"], fields);
        // Proto field names are as good as JSON names, as the protobuf JSON parser reads both.
        var (known, _) = await SendAsync(Request(HttpMethod.Post, "/v1/warnings/w-none:submit", """{"request_id":"rest-known","warning_id":"w-none"}"""));
        Assert.Equal(HttpStatusCode.NotFound, known.StatusCode);
    }

    [Fact]
    public async Task Custom_methods_answer_on_the_resource_and_on_the_earlier_collection_route()
    {
        string onResource = await DraftAsync();
        string onCollection = await DraftAsync();

        var (published, warning) = await SendAsync(Request(HttpMethod.Post, $"/v1/warnings/{onResource}:emergencyPublish", $$"""{"requestId":"rest-{{Guid.NewGuid():N}}"}"""));
        var (publishedEarlier, earlier) = await SendAsync(Request(HttpMethod.Post, "/v1/warnings:emergencyPublish", $$"""{"requestId":"rest-{{Guid.NewGuid():N}}","warningId":"{{onCollection}}"}"""));
        var (history, _) = await SendAsync(Request(HttpMethod.Get, $"/v1/warnings/{onResource}:getHistory"));
        var (historyEarlier, _) = await SendAsync(Request(HttpMethod.Get, $"/v1/warnings:getHistory?warningId={onResource}"));

        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal("WARNING_STATE_PUBLISHED", (string?)warning!["state"]);
        Assert.Equal(HttpStatusCode.OK, publishedEarlier.StatusCode);
        Assert.Equal("WARNING_STATE_PUBLISHED", (string?)earlier!["state"]);
        Assert.Equal(HttpStatusCode.OK, history.StatusCode);
        Assert.Equal(HttpStatusCode.OK, historyEarlier.StatusCode);
    }

    private async Task<string> DraftAsync()
    {
        var now = fixture.Clock.GetCurrentInstant();
        var (response, draft) = await SendAsync(Request(HttpMethod.Post, "/v1/warnings", new JsonObject
        {
            ["requestId"] = $"rest-{Guid.NewGuid():N}",
            ["content"] = new JsonObject
            {
                ["hazard"] = "typhoon", ["level"] = "red", ["districts"] = new JsonArray("310101"), ["channels"] = new JsonArray("website"),
                ["onsetAt"] = now.ToString(), ["expiresAt"] = (now + NodaTime.Duration.FromHours(6)).ToString(),
                ["texts"] = new JsonArray(new JsonObject { ["language"] = "zh-CN", ["headline"] = "台风红色预警" }),
            },
        }.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)draft!["id"]!;
    }

    [Theory]
    [InlineData("/no/such/path", HttpStatusCode.NotFound, 5, "NOT_FOUND")]
    [InlineData("/feeds/cap.atom?min_level=purple", HttpStatusCode.BadRequest, 3, "INVALID_REQUEST")]
    [InlineData("/alerts/no-such-alert.xml", HttpStatusCode.NotFound, 5, "NOT_FOUND")]
    [InlineData("/v1/warnings/no-such-warning", HttpStatusCode.NotFound, 5, "WARNING_NOT_FOUND")]
    [InlineData("/v1/warnings?pageSize=-1", HttpStatusCode.BadRequest, 3, "INVALID_REQUEST")]
    public async Task Every_error_on_the_port_is_a_google_rpc_Status(string path, HttpStatusCode expected, int code, string reason)
    {
        var (response, body) = await SendAsync(Request(HttpMethod.Get, path, role: Roles.Operator));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (int?)body!["code"]);
        Assert.False(string.IsNullOrEmpty((string?)body["message"]));
        Assert.Equal(reason, Reason(body));
    }

    [Fact]
    public async Task A_bad_feed_filter_names_the_parameter()
    {
        var (_, body) = await SendAsync(Request(HttpMethod.Get, "/feeds/cap.atom?min_level=purple", role: null));

        var violation = body!["details"]!.AsArray().Single(d => ((string?)d!["@type"])!.EndsWith("google.rpc.BadRequest", StringComparison.Ordinal))!["fieldViolations"]![0]!;
        Assert.Equal("min_level", (string?)violation["field"]);
    }

    [Fact]
    public async Task A_429_says_when_to_come_back()
    {
        await using var platform = await TestPlatform.StartAsync(Backplane.Embedded(), settings: new Dictionary<string, string?>
        {
            ["Identity:RateLimit:Burst"] = "1",
            ["Identity:RateLimit:MutatingCallsPerMinute"] = "1",
        });
        HttpResponseMessage? limited = null;
        for (int i = 0; i < 3 && limited is null; i++)
        {
            using var request = Request(HttpMethod.Post, "/v1/diagnostics:sendProbe", $$"""{"requestId":"probe-{{i}}"}""", Roles.Operator);
            var response = await platform.Http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }

        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {limited.Headers.RetryAfter}");
        var body = JsonNode.Parse(await limited.Content.ReadAsStringAsync());
        Assert.Equal("RATE_LIMITED", Reason(body));
    }
}
