using System.Text.Json;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Json;
using Warnings.Core.Messaging;
using Warnings.Core.Storage;
using Warnings.Feeds.Webhooks;
using Warnings.Testing;
using ListDocument = Warnings.Contracts.V1.PublicationList;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Commands;

/// <summary>The <see cref="RequestIdReuseTests"/> scenarios of the modules other than Issuing.</summary>
public sealed partial class RequestIdReuseTests
{
    // --- IncidentReportService: a report on one incident (A) and on another (B) ---

    private IncidentReportService.IncidentReportServiceClient Reporter => Client(c => new IncidentReportService.IncidentReportServiceClient(c), Roles.DistrictReporter);

    private ReportBody Initial(string account) => new()
    {
        Category = "production_safety", OccurredAt = (Now - Duration.FromMinutes(30)).ToTimestamp(), District = TestIdentities.District, Address = "中山东一路",
        Location = new GeoPoint { Latitude = 31.2304, Longitude = 121.4737 }, ReportingUnit = "黄浦区应急管理局", Reporter = "王值班",
        Totals = new IncidentCounts { Deaths = 1 }, Account = account,
    };

    private static ReportBody Later(string account) => new() { Totals = new IncidentCounts { Deaths = 1 }, Account = account, SigningOfficial = "李局长" };

    private async Task<(string A, string B)> TwoIncidentsAsync() =>
        ((await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = NewId(), Body = Initial("厂房起火") })).Incident.Id,
         (await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = NewId(), Body = Initial("仓库起火") })).Incident.Id);

    private Func<Task<IMessage[]>> Timelines(string a, string b) => async () =>
        [await Reporter.GetTimelineAsync(new GetIncidentRequest { IncidentId = a }), await Reporter.GetTimelineAsync(new GetIncidentRequest { IncidentId = b })];

    private Task SubmitInitial() => ReuseAsync(r => Reporter.SubmitInitialAsync(r),
        new SubmitInitialRequest { Body = Initial("厂房起火") }, new SubmitInitialRequest { Body = Initial("仓库起火") },
        async () => [await Reporter.ListIncidentsAsync(new ListIncidentsRequest { PageSize = 500 })]);

    private Task SubmitFollowUp() => FollowAsync(r => Reporter.SubmitFollowUpAsync(r));

    private Task SubmitFinal() => FollowAsync(r => Reporter.SubmitFinalAsync(r));

    private async Task FollowAsync(Func<SubmitFollowUpRequest, AsyncUnaryCall<ReportReceipt>> rpc)
    {
        var (a, b) = await TwoIncidentsAsync();
        await ReuseAsync(rpc, new SubmitFollowUpRequest { IncidentId = a, Body = Later("续报 A") }, new SubmitFollowUpRequest { IncidentId = b, Body = Later("续报 B") }, Timelines(a, b));
    }

    private async Task CorrectReport()
    {
        var (a, b) = await TwoIncidentsAsync();
        await ReuseAsync(r => Reporter.CorrectReportAsync(r),
            new CorrectReportRequest { IncidentId = a, Sequence = 1, Body = Initial("更正 A"), Reason = "核实" },
            new CorrectReportRequest { IncidentId = b, Sequence = 1, Body = Initial("更正 B"), Reason = "核实" }, Timelines(a, b));
    }

    // --- PublicationListService: B is the same kind of edit, based on the version A makes ---

    private PublicationListService.PublicationListServiceClient Lists => Client(c => new PublicationListService.PublicationListServiceClient(c), Roles.ListAdmin);

    private async Task<ListDocument> ListAsync() => await Lists.GetListAsync(new GetListRequest());

    private async Task<IMessage[]> ListStateAsync() => [await ListAsync()];

    // Flood grants for SOA, a district each (grants for one department and hazard may not overlap):
    // nothing the other scenarios publish depends on them.
    private static Grant[] NewGrants(ListDocument list, int count)
    {
        var template = list.Grants.Single(g => g.Id == "swa-flood");
        var taken = list.Grants.Where(g => g.Department == "SOA" && g.Hazard == template.Hazard).SelectMany(g => g.Areas).ToHashSet();
        return list.Districts.Select(d => d.Code).Where(code => code != "310000" && !taken.Contains(code)).Take(count).Select(code =>
        {
            var grant = template.Clone();
            grant.Id = $"reuse-{Guid.NewGuid():N}"[..18];
            grant.Department = "SOA";
            grant.Areas.Clear();
            grant.Areas.Add(code);
            return grant;
        }).ToArray();
    }

    private async Task UpsertGrant()
    {
        var list = await ListAsync();
        var grants = NewGrants(list, 2);
        await ReuseAsync(r => Lists.UpsertGrantAsync(r),
            new UpsertGrantRequest { ExpectedVersion = list.Version, Grant = grants[0], Reason = "A" },
            new UpsertGrantRequest { ExpectedVersion = list.Version + 1, Grant = grants[1], Reason = "B" }, ListStateAsync);
    }

    private Task SuspendGrant() => GrantStatusAsync(r => Lists.SuspendGrantAsync(r));

    private Task RetireGrant() => GrantStatusAsync(r => Lists.RetireGrantAsync(r));

    private async Task GrantStatusAsync(Func<ChangeGrantStatusRequest, AsyncUnaryCall<ListEditResponse>> rpc)
    {
        var grants = NewGrants(await ListAsync(), 2);
        foreach (var grant in grants)
        {
            await Lists.UpsertGrantAsync(new UpsertGrantRequest { RequestId = NewId(), ExpectedVersion = (await ListAsync()).Version, Grant = grant, Reason = "to change its status" });
        }

        long version = (await ListAsync()).Version;
        await ReuseAsync(rpc, new ChangeGrantStatusRequest { ExpectedVersion = version, GrantId = grants[0].Id, Reason = "A" },
            new ChangeGrantStatusRequest { ExpectedVersion = version + 1, GrantId = grants[1].Id, Reason = "B" }, ListStateAsync);
    }

    private async Task UpdateReportingRules()
    {
        var list = await ListAsync();
        ReportingRules Longer(int days)
        {
            var rules = list.Reporting.Clone();
            rules.Categories.Single(c => c.Code == "road_traffic").CorrectionWindowDays += days;
            return rules;
        }

        await ReuseAsync(r => Lists.UpdateReportingRulesAsync(r),
            new UpdateReportingRulesRequest { ExpectedVersion = list.Version, Rules = Longer(1), Reason = "A" },
            new UpdateReportingRulesRequest { ExpectedVersion = list.Version + 1, Rules = Longer(2), Reason = "B" }, ListStateAsync);
    }

    private async Task ImportList()
    {
        var list = await ListAsync();
        ListDocument Renamed(string suffix)
        {
            var imported = list.Clone();
            imported.Reporting.Categories.Single(c => c.Code == "road_traffic").Name += suffix;
            return imported;
        }

        await ReuseAsync(r => Lists.ImportListAsync(r),
            new ImportListRequest { ExpectedVersion = list.Version, List = Renamed(" A"), Reason = "A" },
            new ImportListRequest { ExpectedVersion = list.Version + 1, List = Renamed(" B"), Reason = "B" }, ListStateAsync);
    }

    // --- FeedService: a partner's webhooks; nothing is published to partner_feed here, so none delivers ---

    private FeedService.FeedServiceClient Feed => Client(c => new FeedService.FeedServiceClient(c), Roles.Partner);

    private static RegisterWebhookRequest Hook() => new() { Url = $"https://partner.example/hooks/{Guid.NewGuid():N}", Secret = new string('s', 40) };

    private async Task<(string A, string B)> TwoWebhooksAsync() =>
        ((await Feed.RegisterWebhookAsync(WithRequestId(Hook(), NewId()))).Id, (await Feed.RegisterWebhookAsync(WithRequestId(Hook(), NewId()))).Id);

    private Func<Task<IMessage[]>> Webhooks(string a, string b) => async () =>
        [await Feed.GetWebhookAsync(new GetWebhookRequest { Id = a }), await Feed.GetWebhookAsync(new GetWebhookRequest { Id = b })];

    private Task RegisterWebhook() => ReuseAsync(r => Feed.RegisterWebhookAsync(r), Hook(), Hook(),
        async () => [await Feed.ListWebhooksAsync(new ListWebhooksRequest { PageSize = 500 })]);

    private async Task ResumeWebhook()
    {
        var (a, b) = await TwoWebhooksAsync();
        await SuspendAsync(a);
        await SuspendAsync(b);
        await ReuseAsync(r => Feed.ResumeWebhookAsync(r), new WebhookActionRequest { Id = a }, new WebhookActionRequest { Id = b }, Webhooks(a, b));
    }

    private async Task DeleteWebhook()
    {
        var (a, b) = await TwoWebhooksAsync();
        await ReuseAsync(r => Feed.DeleteWebhookAsync(r), new WebhookActionRequest { Id = a }, new WebhookActionRequest { Id = b }, Webhooks(a, b));
    }

    // As the delivery worker leaves a webhook after its failures (which would take minutes here).
    private async Task SuspendAsync(string id)
    {
        var webhooks = fixture.Platform.Services.GetRequiredService<WebhookStore>();
        var (json, webhook) = (await webhooks.LoadAsync(id))!.Value;
        webhook.Status = WebhookStore.Suspended;
        webhook.StatusReason = "Suspended after 8 consecutive failed deliveries.";
        webhook.ConsecutiveFailures = 8;
        var (conditions, writes) = webhooks.Replace(id, json, webhook);
        Assert.True(await fixture.Platform.Services.GetRequiredService<IStateStore>().CommitAsync(conditions, writes));
    }

    // --- IdentityService: keys of principals of their own ---

    private IdentityService.IdentityServiceClient Identities => Client(c => new IdentityService.IdentityServiceClient(c), Roles.Operator);

    private static IssueApiKeyRequest Key(string principal) => new() { PrincipalId = principal, Roles = { Roles.Analyst } };

    private async Task<IMessage[]> ApiKeysAsync() => [await Identities.ListApiKeysAsync(new ListApiKeysRequest { PageSize = 500 })];

    // The secret was shown once: a repeat is told which key the request issued.
    private Task IssueApiKey() => ReuseAsync(r => Identities.IssueApiKeyAsync(r), Key("reuse-a"), Key("reuse-b"), ApiKeysAsync, (first, again) =>
    {
        RpcAssert.Refused(again, StatusCode.AlreadyExists, "REQUEST_ALREADY_DONE");
        Assert.Equal(first.KeyId, again.GetRpcStatus()!.GetDetail<ErrorInfo>().Metadata["key_id"]);
    });

    private async Task RevokeApiKey()
    {
        string a = (await Identities.IssueApiKeyAsync(WithRequestId(Key("reuse-a"), NewId()))).KeyId;
        string b = (await Identities.IssueApiKeyAsync(WithRequestId(Key("reuse-b"), NewId()))).KeyId;
        await ReuseAsync(r => Identities.RevokeApiKeyAsync(r),
            new RevokeApiKeyRequest { KeyId = a, Reason = "lost" }, new RevokeApiKeyRequest { KeyId = b, Reason = "lost" }, ApiKeysAsync);
    }

    // --- DispatchService ---

    private DispatchService.DispatchServiceClient Dispatcher => Client(c => new DispatchService.DispatchServiceClient(c), Roles.Operator);

    // Recorded as the DeadLetterRecorder records a probe the dispatch module gave up on; requeued, it only adds a probe receipt.
    private async Task<string> DeadLetterAsync()
    {
        var probe = new ProbeSent(NewId(), Now, "reuse-test");
        var letter = new DeadLetter
        {
            Id = Guid.NewGuid().ToString("N"), Queue = "probe-dispatch", MessageId = Guid.NewGuid().ToString("N"),
            MessageType = nameof(ProbeSent), Error = "System.TimeoutException: gave up", FailedAt = Now.ToTimestamp(),
        };
        Assert.True(await DeadLetterStore.AddAsync(fixture.Platform.Services.GetRequiredService<IStateStore>(), letter, typeof(ProbeSent),
            JsonSerializer.Serialize(probe, PlatformJson.Options)));
        return letter.Id;
    }

    private async Task RequeueDeadLetter()
    {
        string a = await DeadLetterAsync();
        string b = await DeadLetterAsync();
        await ReuseAsync(r => Dispatcher.RequeueDeadLetterAsync(r), new RequeueDeadLetterRequest { Id = a }, new RequeueDeadLetterRequest { Id = b },
            async () => [await Dispatcher.ListDeadLettersAsync(new ListDeadLettersRequest { IncludeRequeued = true })]);
    }

    // --- Requests that are nothing but their id ---

    private Task SendProbe() =>
        OnlyTheIdAsync(r => Client(c => new DiagnosticsService.DiagnosticsServiceClient(c), Roles.Operator).SendProbeAsync(r), new SendProbeRequest());

    private Task RebuildProjections() =>
        OnlyTheIdAsync(r => Client(c => new AnalysisService.AnalysisServiceClient(c), Roles.Operator).RebuildProjectionsAsync(r), new RebuildProjectionsRequest());
}
