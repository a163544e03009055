using Grpc.Core;
using Warnings.Contracts.V1;
using Warnings.Core.Http;
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
        Assert.All(received, r => Assert.True(WebhookSignature.Verify(WebhookSignature.SecretBytes(Secret), r.Body, r.Signature)));
        Assert.DoesNotContain(received, r => System.Text.Encoding.UTF8.GetString(r.Body).Contains(outside.Id, StringComparison.Ordinal));
        Assert.Equal([$":publish", ":publish", ":lift"], received.Select(r => r.IdempotencyKey[r.IdempotencyKey.LastIndexOf(':')..]));
        var cap = await fixture.Officer.GetCapAsync(new GetCapRequest { WarningId = restricted.Id });
        Assert.Contains(received, r => System.Text.Encoding.UTF8.GetString(r.Body) == cap.Xml); // the same document as every other path
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.NotNull(status.LastDeliveredAt);
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_then_suspended_with_a_reason_and_resuming_delivers_what_it_missed()
    {
        var webhook = await RegisterAsync("partner-failing");
        fixture.Receiver.FailNext("partner-failing", int.MaxValue);
        var missed = await fixture.PublishAsync("typhoon", "orange", ["310101"]);

        var suspended = await Eventually.Until(async () => await fixture.Feed().GetWebhookAsync(new GetWebhookRequest { Id = webhook.Id }), w => w.Status == "suspended", "the suspension");
        Assert.Equal(FeedFixture.SuspendAfterFailures, suspended.ConsecutiveFailures);
        Assert.Contains("503", suspended.StatusReason);
        Assert.Contains("503", suspended.LastError);
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

    [Fact]
    public async Task Webhooks_are_a_partners_own_and_bad_registrations_change_nothing()
    {
        var webhook = await RegisterAsync("partner-own");
        var asOperator = await fixture.Feed(Roles.Operator).ListWebhooksAsync(new ListWebhooksRequest());
        Assert.Contains(asOperator.Webhooks, w => w.Id == webhook.Id);

        var bad = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Feed().RegisterWebhookAsync(new RegisterWebhookRequest
        {
            RequestId = $"r-{Guid.NewGuid():N}", Url = "ftp://example.org/hook", Secret = "short",
        }));
        RpcAssert.Refused(bad, StatusCode.InvalidArgument, "INVALID_REQUEST");
        Assert.Equal(["url", "secret"], bad.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Select(v => v.Field));

        var beyond = await Assert.ThrowsAsync<RpcException>(() => RegisterAsync("partner-beyond", new FeedFilter { Hazards = { "gale" } }));
        RpcAssert.Refused(beyond, StatusCode.PermissionDenied, "ENTITLEMENT_EXCEEDED");
        Assert.DoesNotContain((await fixture.Feed().ListWebhooksAsync(new ListWebhooksRequest())).Webhooks, w => w.Url.EndsWith("partner-beyond", StringComparison.Ordinal));

        var missing = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Feed().GetWebhookAsync(new GetWebhookRequest { Id = "wh-nope" }));
        RpcAssert.Refused(missing, StatusCode.NotFound, "NOT_FOUND");
    }
}
