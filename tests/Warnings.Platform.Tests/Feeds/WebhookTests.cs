using Grpc.Core;
using Warnings.Contracts.V1;
using Warnings.Core.Http;
using Warnings.Feeds.Webhooks;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Feeds;

/// <summary>
/// Webhooks on real RabbitMQ and Redis to a local Kestrel receiver that verifies every signature:
/// matching warnings arrive as signed CAP, a failing receiver is retried and then suspended with a
/// reason, resuming delivers what was missed, and a hanging receiver holds up only itself.
/// </summary>
public sealed class WebhookTests(FeedFixture fixture) : IClassFixture<FeedFixture>
{
    private const string Secret = "a-partner-secret-of-at-least-32-characters";

    private async Task<Webhook> RegisterAsync(string path, FeedFilter? filter = null) =>
        await fixture.Feed().RegisterWebhookAsync(new RegisterWebhookRequest
        {
            RequestId = $"r-{Guid.NewGuid():N}",
            Url = $"{fixture.Receiver.Url}/{path}",
            Secret = Secret,
            Filter = filter ?? new FeedFilter(),
        });

    [Fact]
    public async Task Matching_warnings_arrive_as_signed_CAP_and_the_receiver_verifies_every_signature()
    {
        fixture.Receiver.RequireSignature("partner-signed", Secret);
        var webhook = await RegisterAsync("partner-signed");
        Assert.Equal("active", webhook.Status);
        Assert.Equal(["rainstorm", "typhoon"], webhook.Filter.Hazards); // the entitlement, as applied

        var inside = await fixture.PublishAsync("typhoon", "red", ["310101"]);
        var outside = await fixture.PublishAsync("gale", "red", ["310101"]);
        var restricted = await fixture.PublishAsync("rainstorm", "orange", ["310104"], ["partner_feed"]);
        await fixture.Officer.LiftAsync(new LiftRequest { RequestId = $"l-{Guid.NewGuid():N}", WarningId = inside.Id, Reason = "解除" });

        var received = await Eventually.Until(() => Task.FromResult(fixture.Receiver.For("partner-signed")), r => r.Count >= 3, "three deliveries");
        var status = await Eventually.Until(async () => await fixture.Feed().GetWebhookAsync(new GetWebhookRequest { Id = webhook.Id }), w => w.Behind == 0, "the webhook caught up");

        Assert.Equal(0, fixture.Receiver.BadSignatures);
        Assert.All(received, r => Assert.True(WebhookSignature.Verify(WebhookSignature.SecretBytes(Secret), r.Timestamp, r.Body, r.Signature, NodaTime.SystemClock.Instance.GetCurrentInstant())));
        Assert.DoesNotContain(received, r => System.Text.Encoding.UTF8.GetString(r.Body).Contains(outside.Id, StringComparison.Ordinal));
        Assert.Equal([$":publish", ":publish", ":lift"], received.Select(r => r.IdempotencyKey[r.IdempotencyKey.LastIndexOf(':')..]));
        var cap = await fixture.Officer.GetCapAsync(new GetCapRequest { WarningId = restricted.Id });
        Assert.Contains(received, r => System.Text.Encoding.UTF8.GetString(r.Body) == cap.Xml); // the same document as every other path
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.NotNull(status.LastDeliveredAt);
    }

    [Fact]
    public async Task A_webhook_acts_for_its_partner_as_it_is_now_revoking_its_last_key_suspends_it()
    {
        var identity = fixture.Platform.Client(c => new IdentityService.IdentityServiceClient(c), Roles.Operator);
        string partner = $"partner-{Guid.NewGuid():N}"[..20];
        var issued = await identity.IssueApiKeyAsync(new IssueApiKeyRequest
        {
            RequestId = $"k-{Guid.NewGuid():N}", PrincipalId = partner, Roles = { Roles.Partner },
            Entitlements = new Contracts.V1.Entitlements { Hazards = { "typhoon" }, Districts = { "310000" }, MinimumLevel = "blue" },
        });
        var asPartner = new FeedService.FeedServiceClient(fixture.Platform.WithAuthorization($"ApiKey {issued.ApiKey}"));
        var webhook = await asPartner.RegisterWebhookAsync(new RegisterWebhookRequest
        {
            RequestId = $"r-{Guid.NewGuid():N}", Url = $"{fixture.Receiver.Url}/partner-revoked", Secret = Secret, Filter = new FeedFilter(),
        });
        var before = await fixture.PublishAsync("typhoon", "red", ["310101"]);
        await Eventually.Until(() => Task.FromResult(fixture.Receiver.For("partner-revoked")), r => r.Count >= 1, "a delivery while the key is valid");

        await identity.RevokeApiKeyAsync(new RevokeApiKeyRequest { RequestId = $"v-{Guid.NewGuid():N}", KeyId = issued.KeyId, Reason = "contract ended" });
        var after = await fixture.PublishAsync("typhoon", "red", ["310101"]);

        var suspended = await Eventually.Until(async () => await fixture.Feed(Roles.Operator).GetWebhookAsync(new GetWebhookRequest { Id = webhook.Id }),
            w => w.Status == "suspended", "the webhook suspended");
        Assert.Contains("no usable API key", suspended.StatusReason);
        Assert.DoesNotContain(fixture.Receiver.For("partner-revoked"), r => System.Text.Encoding.UTF8.GetString(r.Body).Contains(after.Id, StringComparison.Ordinal));
        Assert.Contains(fixture.Receiver.For("partner-revoked"), r => System.Text.Encoding.UTF8.GetString(r.Body).Contains(before.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_then_suspended_with_a_reason_and_resuming_delivers_what_it_missed()
    {
        var webhook = await RegisterAsync("partner-failing");
        fixture.Receiver.FailNext("partner-failing", int.MaxValue);
        var missed = await fixture.PublishAsync("typhoon", "orange", ["310101"]);

        var suspended = await Eventually.Until(async () => await fixture.Feed().GetWebhookAsync(new GetWebhookRequest { Id = webhook.Id }), w => w.Status == "suspended", "the suspension");
        Assert.Equal(FeedFixture.SuspendAfterFailures, suspended.ConsecutiveFailures);
        Assert.Contains("HTTP 503", suspended.StatusReason);
        Assert.Equal("HTTP 503", suspended.LastError); // the status only, never the receiver's own words
        Assert.Equal(FeedFixture.SuspendAfterFailures, fixture.Receiver.For("partner-failing").Count);

        fixture.Receiver.FailNext("partner-failing", 0);
        var resumed = await fixture.Feed().ResumeWebhookAsync(new WebhookActionRequest { RequestId = $"x-{Guid.NewGuid():N}", Id = webhook.Id });
        Assert.Equal("active", resumed.Status);

        await Eventually.Until(async () => await fixture.Feed().GetWebhookAsync(new GetWebhookRequest { Id = webhook.Id }), w => w.Behind == 0 && w.ConsecutiveFailures == 0, "delivery after resuming");
        var requests = fixture.Receiver.For("partner-failing");
        Assert.Equal(FeedFixture.SuspendAfterFailures + 1, requests.Count);
        Assert.Single(requests.Select(r => r.IdempotencyKey).Distinct()); // every attempt was the same delivery
        Assert.Contains(missed.Id, System.Text.Encoding.UTF8.GetString(requests[^1].Body));
    }

    [Fact]
    public async Task A_hanging_receiver_holds_up_only_its_own_webhook()
    {
        fixture.Receiver.SlowDown("partner-hanging", TimeSpan.FromMinutes(5));
        var hanging = await RegisterAsync("partner-hanging");
        var healthy = await RegisterAsync("partner-healthy");
        var warnings = new List<Warning>();
        for (int i = 0; i < 3; i++)
        {
            warnings.Add(await fixture.PublishAsync("typhoon", "red", ["310101"]));
        }

        var received = await Eventually.Until(() => Task.FromResult(fixture.Receiver.For("partner-healthy")), r => r.Count >= 3, "the healthy partner's three deliveries");
        Assert.Equal(warnings.Select(w => w.Id), received.Select(r => warnings.Single(w => System.Text.Encoding.UTF8.GetString(r.Body).Contains(w.Id, StringComparison.Ordinal)).Id));
        Assert.True(fixture.Receiver.For("partner-hanging").Count <= FeedFixture.SuspendAfterFailures);
        await fixture.Feed().DeleteWebhookAsync(new WebhookActionRequest { RequestId = $"x-{Guid.NewGuid():N}", Id = hanging.Id });
        await fixture.Feed().DeleteWebhookAsync(new WebhookActionRequest { RequestId = $"x-{Guid.NewGuid():N}", Id = healthy.Id });
    }

    [Theory]
    [InlineData("http://127.0.0.1:{other}/hook")]
    [InlineData("http://[::1]:{port}/hook")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/hook")]
    [InlineData("http://localhost:{port}/hook")]
    [InlineData("http://LOCALHOST./hook")]
    [InlineData("http://api.localhost/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("http://172.16.3.4/hook")]
    [InlineData("http://192.168.1.1/hook")]
    [InlineData("http://100.64.0.1/hook")]
    [InlineData("http://0.0.0.0:{port}/hook")]
    [InlineData("http://2130706433:{other}/hook")]
    [InlineData("http://224.0.0.1/hook")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("http://[fd00::1]/hook")]
    [InlineData("http://[::]/hook")]
    public async Task Registering_a_loopback_private_or_link_local_destination_is_refused(string template)
    {
        int port = new Uri(fixture.Receiver.Url).Port;
        string url = template.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{other}", (port == 65535 ? port - 1 : port + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Feed().RegisterWebhookAsync(new RegisterWebhookRequest
        {
            RequestId = $"r-{Guid.NewGuid():N}", Url = url, Secret = Secret,
        }));

        RpcAssert.Refused(error, StatusCode.InvalidArgument, "WEBHOOK_DESTINATION_NOT_ALLOWED");
        Assert.Equal("url", Assert.Single(error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
        Assert.DoesNotContain((await fixture.Feed().ListWebhooksAsync(new ListWebhooksRequest { PageSize = 500 })).Webhooks, w => w.Url == url);
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_when_delivery_connects()
    {
        // This machine's own name resolves to a loopback or private address here (as a rebinding
        // attacker's name would); it is not a literal, so registration takes it.
        string name = System.Net.Dns.GetHostName();
        var addresses = await System.Net.Dns.GetHostAddressesAsync(name);
        // One forbidden address among the answers is enough to refuse the connection.
        Assert.True(addresses.Any(WebhookDestinations.IsForbidden), $"{name} resolves to {string.Join(", ", (object[])addresses)}: not a loopback or private name");
        int port = new Uri(fixture.Receiver.Url).Port;
        var webhook = await fixture.Feed().RegisterWebhookAsync(new RegisterWebhookRequest
        {
            RequestId = $"r-{Guid.NewGuid():N}", Url = $"http://{name}:{port}/partner-rebinding", Secret = Secret,
        });

        await fixture.PublishAsync("typhoon", "red", ["310101"]);

        var failed = await Eventually.Until(async () => await fixture.Feed().GetWebhookAsync(new GetWebhookRequest { Id = webhook.Id }), w => w.ConsecutiveFailures > 0, "a refused delivery");
        Assert.Equal("destination not allowed", failed.LastError);
        Assert.Empty(fixture.Receiver.For("partner-rebinding"));
        await fixture.Feed().DeleteWebhookAsync(new WebhookActionRequest { RequestId = $"x-{Guid.NewGuid():N}", Id = webhook.Id });
    }

    [Fact]
    public async Task A_closed_port_says_connection_refused_and_nothing_more()
    {
        var webhook = await fixture.Feed().RegisterWebhookAsync(new RegisterWebhookRequest
        {
            RequestId = $"r-{Guid.NewGuid():N}", Url = $"http://127.0.0.1:{fixture.ClosedPort}/nobody", Secret = Secret,
        });

        await fixture.PublishAsync("typhoon", "red", ["310101"]);

        var failed = await Eventually.Until(async () => await fixture.Feed().GetWebhookAsync(new GetWebhookRequest { Id = webhook.Id }), w => w.ConsecutiveFailures > 0, "a failed delivery");
        Assert.Equal("connection refused", failed.LastError);
        await fixture.Feed().DeleteWebhookAsync(new WebhookActionRequest { RequestId = $"x-{Guid.NewGuid():N}", Id = webhook.Id });
    }

    [Fact]
    public async Task Webhooks_are_a_partners_own_and_bad_registrations_change_nothing()
    {
        var webhook = await RegisterAsync("partner-own");
        var asOperator = await fixture.Feed(Roles.Operator).ListWebhooksAsync(new ListWebhooksRequest { PageSize = 500 });
        Assert.Contains(asOperator.Webhooks, w => w.Id == webhook.Id);

        var bad = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Feed().RegisterWebhookAsync(new RegisterWebhookRequest
        {
            RequestId = $"r-{Guid.NewGuid():N}", Url = "ftp://example.org/hook", Secret = "short",
        }));
        RpcAssert.Refused(bad, StatusCode.InvalidArgument, "INVALID_REQUEST");
        Assert.Equal(["url", "secret"], bad.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Select(v => v.Field));

        var beyond = await Assert.ThrowsAsync<RpcException>(() => RegisterAsync("partner-beyond", new FeedFilter { Hazards = { "gale" } }));
        RpcAssert.Refused(beyond, StatusCode.PermissionDenied, "ENTITLEMENT_EXCEEDED");
        Assert.DoesNotContain((await fixture.Feed().ListWebhooksAsync(new ListWebhooksRequest { PageSize = 500 })).Webhooks, w => w.Url.EndsWith("partner-beyond", StringComparison.Ordinal));

        var missing = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Feed().GetWebhookAsync(new GetWebhookRequest { Id = "wh-nope" }));
        RpcAssert.Refused(missing, StatusCode.NotFound, "NOT_FOUND");
    }
}
