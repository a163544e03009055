using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Google.Api;
using Warnings.Platform.Tests.Identity;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Rest;

/// <summary>
/// REST through gRPC JSON transcoding: with an API key, curl-style JSON publishes a warning; without
/// one, or with bad input, the answer is the same typed error as over gRPC; the OpenAPI document
/// lists every unary RPC at the route its annotation gives, with the proto comments as descriptions.
/// </summary>
public sealed class RestTests(EmbeddedPlatformFixture fixture) : IClassFixture<EmbeddedPlatformFixture>
{
    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, object? body = null, string? role = Roles.DutyOfficer)
    {
        using var request = new HttpRequestMessage(method, path);
        if (role is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("ApiKey", TestIdentities.Keys[role]);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await fixture.Platform.Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    [Fact]
    public async Task A_warning_is_drafted_published_and_read_over_REST_with_an_API_key()
    {
        var now = fixture.Clock.GetCurrentInstant();
        var (created, draft) = await SendAsync(HttpMethod.Post, "/v1/warnings", new
        {
            requestId = $"rest-{Guid.NewGuid():N}",
            content = new
            {
                hazard = "typhoon", level = "red", districts = new[] { "310101" }, channels = new[] { "website" },
                onsetAt = now.ToString(), expiresAt = (now + NodaTime.Duration.FromHours(6)).ToString(),
                texts = new[] { new { language = "zh-CN", headline = "台风红色预警" } },
            },
        });
        Assert.Equal(HttpStatusCode.OK, created);
        string id = (string)draft!["id"]!;

        var (published, _) = await SendAsync(HttpMethod.Post, "/v1/warnings:emergencyPublish", new { requestId = $"rest-{Guid.NewGuid():N}", warningId = id });
        var (read, warning) = await SendAsync(HttpMethod.Get, $"/v1/warnings/{id}");

        Assert.Equal(HttpStatusCode.OK, published);
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal("WARNING_STATE_PUBLISHED", (string?)warning!["state"]);
        Assert.Equal(1, (int?)warning["version"]);
    }

    [Fact]
    public async Task REST_errors_are_the_typed_gRPC_errors()
    {
        var (anonymous, missing) = await SendAsync(HttpMethod.Get, "/v1/warnings/w-1", role: null);
        var (invalid, bad) = await SendAsync(HttpMethod.Post, "/v1/warnings", new { requestId = "rest-bad", content = new { hazard = "typhoon" } });
        var (forbidden, denied) = await SendAsync(HttpMethod.Post, "/v1/warnings", new { requestId = "rest-partner", content = new { hazard = "typhoon" } }, Roles.Partner);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal("CREDENTIALS_MISSING", (string?)missing!["details"]![0]!["reason"]);
        Assert.Equal(HttpStatusCode.BadRequest, invalid);
        Assert.Contains(bad!["details"]!.AsArray(), d => (string?)d!["@type"] == "type.googleapis.com/google.rpc.BadRequest");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Equal(7, (int?)denied!["code"]);
    }

    [Fact]
    public async Task A_body_without_credentials_is_refused_before_it_is_read()
    {
        // A body the server would choke on if it parsed it: it never gets that far.
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/warnings", new { requestId = "rest-anon", content = new string('x', 100_000) }, role: null);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("CREDENTIALS_MISSING", (string?)body!["details"]![0]!["reason"]);
        Assert.Equal(16, (int?)body["code"]);
    }

    [Theory]
    [InlineData("POST", "/v1/warnings", "{\"requestId\": ")]
    [InlineData("POST", "/v1/warnings", "{\"requestId\": \"r\", \"content\": {\"onsetAt\": \"-0001-01-01T00:00:00Z\"}}")]
    public async Task A_body_transcoding_cannot_read_is_refused_with_a_reason(string method, string path, string json)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("ApiKey", TestIdentities.Keys[Roles.DutyOfficer]);

        using var response = await fixture.Platform.Http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(3, (int?)body!["code"]);
        Assert.Equal("MALFORMED_REQUEST", (string?)body["details"]![0]!["reason"]);
    }

    [Fact]
    public async Task A_body_over_the_gRPC_limit_is_refused_from_its_length()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/warnings") { Content = new ByteArrayContent(new byte[5 * 1024 * 1024]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("ApiKey", TestIdentities.Keys[Roles.DutyOfficer]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.ExpectContinue = true; // the answer comes before the body is sent, as careful clients ask

        using var response = await fixture.Platform.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("BODY_TOO_LARGE", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_every_unary_RPC_with_its_description()
    {
        var (status, document) = await SendAsync(HttpMethod.Get, "/openapi.json", role: null);
        Assert.Equal(HttpStatusCode.OK, status);
        var paths = document!["paths"]!.AsObject();

        var unary = RoleMatrixTests<EmbeddedPlatformFixture>.PlatformRpcs.Where(rpc => !rpc.IsServerStreaming && !rpc.IsClientStreaming).ToList();
        Assert.True(unary.Count > 50);
        foreach (var rpc in unary)
        {
            var rule = rpc.GetOptions()?.GetExtension(AnnotationsExtensions.Http);
            Assert.True(rule is not null, $"{rpc.FullName} has no google.api.http annotation");
            (string verb, string route) = rule!.PatternCase switch
            {
                HttpRule.PatternOneofCase.Get => ("get", rule.Get),
                HttpRule.PatternOneofCase.Post => ("post", rule.Post),
                _ => throw new InvalidOperationException($"{rpc.FullName}: unexpected verb {rule.PatternCase}"),
            };
            // The document names path parameters in JSON style ({warning_id} -> {warningId}).
            route = System.Text.RegularExpressions.Regex.Replace(route, @"\{(\w+)\}", m => "{" + string.Concat(m.Groups[1].Value.Split('_').Select((part, i) => i == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..])) + "}");
            Assert.True(paths[route]?[verb] is not null, $"{verb.ToUpperInvariant()} {route} ({rpc.FullName}) is missing from /openapi.json");
        }

        Assert.Contains("draft", (string?)paths["/v1/warnings"]!["post"]!["summary"] ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Platform.Http.GetAsync("/docs/index.html")).StatusCode);
    }
}
