using Grpc.Core;
using Warnings.Contracts.V1;
using Warnings.Feeds;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Feeds;

/// <summary>
/// Webhooks are bounded per partner (<c>Feeds:Webhooks:MaxPerPartner</c>, 10 by default), one per
/// (partner, URL, filter), and listed a page at a time. Each test uses a partner of its own.
/// </summary>
public sealed class WebhookLimitsTests(FeedFixture fixture) : IClassFixture<FeedFixture>
{
    private const string Secret = "a-partner-secret-of-at-least-32-characters";

    private async Task<FeedService.FeedServiceClient> NewPartnerAsync()
    {
        var identity = fixture.Platform.Client(c => new IdentityService.IdentityServiceClient(c), Roles.Operator);
        var issued = await identity.IssueApiKeyAsync(new IssueApiKeyRequest
        {
            RequestId = $"k-{Guid.NewGuid():N}",
            PrincipalId = $"partner-{Guid.NewGuid():N}"[..20],
            Roles = { Roles.Partner },
            Entitlements = new Entitlements { Hazards = { "typhoon" }, Districts = { "310000" }, MinimumLevel = "blue" },
        });
        return new FeedService.FeedServiceClient(fixture.Platform.WithAuthorization($"ApiKey {issued.ApiKey}"));
    }

    private Task<Webhook> RegisterAsync(FeedService.FeedServiceClient partner, string path, FeedFilter? filter = null) =>
        partner.RegisterWebhookAsync(new RegisterWebhookRequest
        {
            RequestId = $"r-{Guid.NewGuid():N}",
            Url = $"{fixture.Receiver.Url}/{path}",
            Secret = Secret,
            Filter = filter ?? new FeedFilter(),
        }).ResponseAsync;

    [Fact]
    public async Task A_partner_has_at_most_ten_webhooks_and_may_register_again_after_deleting_one()
    {
        var partner = await NewPartnerAsync();
        var registered = new List<Webhook>();
        for (int i = 0; i < 10; i++)
        {
            registered.Add(await RegisterAsync(partner, $"limit-{i}"));
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => RegisterAsync(partner, "limit-10"));
        RpcAssert.Refused(error, StatusCode.ResourceExhausted, FeedReasons.WebhookLimitReached);

        await partner.DeleteWebhookAsync(new WebhookActionRequest { RequestId = $"x-{Guid.NewGuid():N}", Id = registered[0].Id });
        var again = await RegisterAsync(partner, "limit-10");
        Assert.Equal("active", again.Status);
        foreach (var webhook in registered.Skip(1).Append(again))
        {
            await partner.DeleteWebhookAsync(new WebhookActionRequest { RequestId = $"x-{Guid.NewGuid():N}", Id = webhook.Id });
        }
    }

    [Fact]
    public async Task One_url_and_filter_is_registered_once_per_partner()
    {
        var partner = await NewPartnerAsync();
        var first = await RegisterAsync(partner, "same");

        var error = await Assert.ThrowsAsync<RpcException>(() => RegisterAsync(partner, "same"));
        RpcAssert.Refused(error, StatusCode.AlreadyExists, FeedReasons.WebhookAlreadyRegistered);
        Assert.Contains(first.Id, error.Status.Detail);

        // Another filter to the same URL is another webhook.
        var lifts = await RegisterAsync(partner, "same", new FeedFilter { Kinds = { FeedMessageKind.Lift } });
        Assert.NotEqual(first.Id, lifts.Id);
        await partner.DeleteWebhookAsync(new WebhookActionRequest { RequestId = $"x-{Guid.NewGuid():N}", Id = first.Id });
        await partner.DeleteWebhookAsync(new WebhookActionRequest { RequestId = $"x-{Guid.NewGuid():N}", Id = lifts.Id });
    }

    [Fact]
    public async Task Webhooks_are_listed_a_page_at_a_time()
    {
        var partner = await NewPartnerAsync();
        var registered = new List<Webhook>();
        for (int i = 0; i < 5; i++)
        {
            registered.Add(await RegisterAsync(partner, $"page-{i}"));
        }

        var first = await partner.ListWebhooksAsync(new ListWebhooksRequest { PageSize = 2 });
        var second = await partner.ListWebhooksAsync(new ListWebhooksRequest { PageSize = 2, PageToken = first.NextPageToken });
        var third = await partner.ListWebhooksAsync(new ListWebhooksRequest { PageSize = 2, PageToken = second.NextPageToken });

        Assert.Equal(registered.Select(w => w.Id), first.Webhooks.Concat(second.Webhooks).Concat(third.Webhooks).Select(w => w.Id));
        Assert.Equal(2, first.Webhooks.Count);
        Assert.Equal("", third.NextPageToken);

        var tooBig = await Assert.ThrowsAsync<RpcException>(async () => await partner.ListWebhooksAsync(new ListWebhooksRequest { PageSize = 501 }));
        Assert.Equal(StatusCode.InvalidArgument, tooBig.StatusCode);
        var badToken = await Assert.ThrowsAsync<RpcException>(async () => await partner.ListWebhooksAsync(new ListWebhooksRequest { PageToken = "nonsense!" }));
        RpcAssert.Refused(badToken, StatusCode.InvalidArgument, Warnings.Core.Grpc.ErrorReasons.PageTokenInvalid);
        foreach (var webhook in registered)
        {
            await partner.DeleteWebhookAsync(new WebhookActionRequest { RequestId = $"x-{Guid.NewGuid():N}", Id = webhook.Id });
        }
    }

    [Fact]
    public async Task A_filter_of_fifty_thousand_districts_is_refused_briefly()
    {
        var partner = await NewPartnerAsync();
        var filter = new FeedFilter();
        filter.Districts.AddRange(Enumerable.Range(0, 50_000).Select(i => $"9{i:D5}"));

        var error = await Assert.ThrowsAsync<RpcException>(() => RegisterAsync(partner, "huge", filter));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.True(error.Status.Detail.Length < 1000);
    }
}
