using Google.Protobuf;
using Google.Rpc;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;
using WarningState = Warnings.Contracts.V1.WarningState;

namespace Warnings.Platform.Tests.Commands;

/// <summary>
/// A request id names one request, for every mutating RPC: request A under id X, then a different
/// request B under X is refused (REQUEST_ID_REUSED on request_id) and changes nothing, B under an id
/// of its own goes through (so the state read would have shown its effect), and A under X again
/// gets the first answer. One scenario per RPC in <see cref="Scenarios"/>; an RPC marked
/// <c>[RpcAccess(..., Mutating = true)]</c> without one fails <see cref="Every_mutating_rpc_has_a_scenario"/>.
/// </summary>
public sealed partial class RequestIdReuseTests(EmbeddedPlatformFixture fixture) : IClassFixture<EmbeddedPlatformFixture>
{
    private static readonly Dictionary<string, Func<RequestIdReuseTests, Task>> Scenarios = new()
    {
        ["WarningService/CreateDraft"] = t => t.CreateDraft(),
        ["WarningService/ImportCapDraft"] = t => t.ImportCapDraft(),
        ["WarningService/EditDraft"] = t => t.EditDraft(),
        ["WarningService/Submit"] = t => t.Submit(),
        ["WarningService/Review"] = t => t.Review(),
        ["WarningService/SignOff"] = t => t.SignOff(),
        ["WarningService/ApproveNetworkSms"] = t => t.ApproveNetworkSms(),
        ["WarningService/Publish"] = t => t.Publish(),
        ["WarningService/EmergencyPublish"] = t => t.EmergencyPublish(),
        ["WarningService/Update"] = t => t.Update(),
        ["WarningService/Lift"] = t => t.Lift(),
        ["IncidentReportService/SubmitInitial"] = t => t.SubmitInitial(),
        ["IncidentReportService/SubmitFollowUp"] = t => t.SubmitFollowUp(),
        ["IncidentReportService/SubmitFinal"] = t => t.SubmitFinal(),
        ["IncidentReportService/CorrectReport"] = t => t.CorrectReport(),
        ["PublicationListService/UpsertGrant"] = t => t.UpsertGrant(),
        ["PublicationListService/SuspendGrant"] = t => t.SuspendGrant(),
        ["PublicationListService/RetireGrant"] = t => t.RetireGrant(),
        ["PublicationListService/UpdateReportingRules"] = t => t.UpdateReportingRules(),
        ["PublicationListService/ImportList"] = t => t.ImportList(),
        ["PublicationListService/UpsertTemplate"] = t => t.UpsertTemplate(),
        ["PublicationListService/RetireTemplate"] = t => t.RetireTemplate(),
        ["FeedService/RegisterWebhook"] = t => t.RegisterWebhook(),
        ["FeedService/ResumeWebhook"] = t => t.ResumeWebhook(),
        ["FeedService/DeleteWebhook"] = t => t.DeleteWebhook(),
        ["IdentityService/IssueApiKey"] = t => t.IssueApiKey(),
        ["IdentityService/RevokeApiKey"] = t => t.RevokeApiKey(),
        ["IdentityService/IssueDisplaySession"] = t => t.IssueDisplaySession(),
        ["IdentityService/RevokeDisplaySession"] = t => t.RevokeDisplaySession(),
        ["DispatchService/RequeueDeadLetter"] = t => t.RequeueDeadLetter(),
        ["DiagnosticsService/SendProbe"] = t => t.SendProbe(),
        ["AnalysisService/RebuildProjections"] = t => t.RebuildProjections(),
    };

    public static TheoryData<string> MutatingRpcs => new(Scenarios.Keys);

    [Theory]
    [MemberData(nameof(MutatingRpcs))]
    public Task A_request_id_reused_for_a_different_request_is_refused_and_changes_nothing(string rpc) => Scenarios[rpc](this);

    [Fact]
    public void Every_mutating_rpc_has_a_scenario()
    {
        // What the running host declares, read from its endpoints (gRPC and REST alike).
        var mutating = fixture.Platform.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<RpcAccessAttribute>()?.Mutating == true)
            .Select(e => e.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.FullName)
            .OfType<string>()
            .Select(path => path.Replace("/warnings.v1.", "", StringComparison.Ordinal))
            .ToHashSet();

        var missing = mutating.Except(Scenarios.Keys).Order(StringComparer.Ordinal).ToList();
        var stale = Scenarios.Keys.Except(mutating).Order(StringComparer.Ordinal).ToList();

        Assert.Contains("WarningService/Publish", mutating);
        Assert.True(missing.Count == 0, $"Mutating RPCs without a request-id reuse scenario in {nameof(RequestIdReuseTests)}: {string.Join(", ", missing)}");
        Assert.True(stale.Count == 0, $"Scenarios for RPCs that are not (or no longer) mutating: {string.Join(", ", stale)}");
    }

    [Fact]
    public async Task A_retirement_under_a_suspensions_request_id_is_refused()
    {
        var grant = NewGrants(await ListAsync(), 1)[0];
        await Lists.UpsertGrantAsync(new UpsertGrantRequest { RequestId = NewId(), ExpectedVersion = (await ListAsync()).Version, Grant = grant, Reason = "to change its status" });
        var suspend = new ChangeGrantStatusRequest { RequestId = NewId(), ExpectedVersion = (await ListAsync()).Version, GrantId = grant.Id, Reason = "same words" };
        await Lists.SuspendGrantAsync(suspend);

        var retire = await Assert.ThrowsAsync<RpcException>(() => Lists.RetireGrantAsync(suspend).ResponseAsync);

        RpcAssert.Refused(retire, StatusCode.InvalidArgument, ErrorReasons.RequestIdReused);
    }

    [Fact]
    public async Task A_refused_request_leaves_its_id_to_the_corrected_request()
    {
        string id = NewId();
        var missing = await Assert.ThrowsAsync<RpcException>(() => Identities.RevokeApiKeyAsync(new RevokeApiKeyRequest { RequestId = id, KeyId = "wk_nosuchkey", Reason = "lost" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        string key = (await Identities.IssueApiKeyAsync(WithRequestId(Key("reuse-a"), NewId()))).KeyId;

        var revoked = await Identities.RevokeApiKeyAsync(new RevokeApiKeyRequest { RequestId = id, KeyId = key, Reason = "lost" });

        Assert.Equal(key, revoked.Info.KeyId);
        Assert.NotNull(revoked.Info.RevokedAt);
    }

    /// <summary>
    /// The walk every scenario takes. <paramref name="state"/> reads back what A and B change;
    /// A repeated gets the first answer, or, where <paramref name="repeatRefused"/> is given, a
    /// refusal that it checks against the first answer.
    /// </summary>
    private static async Task ReuseAsync<TRequest, TResponse>(Func<TRequest, AsyncUnaryCall<TResponse>> rpc, TRequest a, TRequest b, Func<Task<IMessage[]>> state,
        Action<TResponse, RpcException>? repeatRefused = null)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        string id = NewId();
        a = WithRequestId(a, id);
        b = WithRequestId(b, id);
        Assert.NotEqual(a, b);

        var first = await rpc(a);
        var afterA = await state();

        var reused = await Assert.ThrowsAsync<RpcException>(() => rpc(b).ResponseAsync);
        RpcAssert.Refused(reused, StatusCode.InvalidArgument, ErrorReasons.RequestIdReused);
        Assert.Equal("request_id", Assert.Single(reused.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Equal(afterA, await state());

        // B is a valid request: under an id of its own it changes what the state shows.
        await rpc(WithRequestId(b, NewId()));
        Assert.NotEqual(afterA, await state());

        if (repeatRefused is null)
        {
            Assert.Equal(first, await rpc(a));
        }
        else
        {
            repeatRefused(first, await Assert.ThrowsAsync<RpcException>(() => rpc(a).ResponseAsync));
        }
    }

    /// <summary>
    /// For a request that is nothing but its id there is no different request under one id to
    /// refuse: the repeat gets the first answer. A field added later fails here, asking for a real scenario.
    /// </summary>
    private static async Task OnlyTheIdAsync<TRequest, TResponse>(Func<TRequest, AsyncUnaryCall<TResponse>> rpc, TRequest request)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        Assert.Equal(["request_id"], request.Descriptor.Fields.InDeclarationOrder().Select(f => f.Name));
        var once = WithRequestId(request, NewId());

        Assert.Equal(await rpc(once), await rpc(once.Clone()));
    }

    private static T WithRequestId<T>(T request, string id)
        where T : IMessage<T>
    {
        var copy = request.Clone();
        copy.Descriptor.FindFieldByName("request_id").Accessor.SetValue(copy, id);
        return copy;
    }

    private static string NewId() => $"reuse-{Guid.NewGuid():N}";

    private T Client<T>(Func<CallInvoker, T> create, string role) => fixture.Platform.Client(create, role);

    private Instant Now => fixture.Clock.GetCurrentInstant();

    // --- WarningService: each step on one warning (A) and the same step on another (B) ---

    private WarningService.WarningServiceClient Officer => Client(c => new WarningService.WarningServiceClient(c), Roles.DutyOfficer);

    private WarningService.WarningServiceClient Approver => Client(c => new WarningService.WarningServiceClient(c), Roles.Approver);

    // Network-wide SMS is approved by an approver of the municipal department.
    private WarningService.WarningServiceClient MunicipalApprover => new(fixture.Platform.WithAuthorization(
        $"Bearer {TestIdentities.MintJwt("semb.leader", [Roles.Approver], DateTime.UtcNow.AddMinutes(10), department: "SEMB")}"));

    private WarningContent Content(string headline) => new()
    {
        Hazard = "rainstorm", Level = "blue", Districts = { "310101" }, Channels = { "website", "app_push" },
        OnsetAt = Now.ToTimestamp(), ExpiresAt = (Now + Duration.FromHours(12)).ToTimestamp(),
        Texts = { new WarningText { Language = "zh-CN", Headline = headline } },
    };

    private async Task<string> WarningAsync(WarningState state, string headline = "暴雨蓝色预警")
    {
        string id = (await Officer.CreateDraftAsync(new CreateDraftRequest { RequestId = NewId(), Content = Content(headline) })).Id;
        var step = new WarningActionRequest { WarningId = id };
        if (state == WarningState.Published)
        {
            await Officer.EmergencyPublishAsync(WithRequestId(step, NewId()));
            return id;
        }

        if (state >= WarningState.Submitted)
        {
            await Officer.SubmitAsync(WithRequestId(step, NewId()));
        }

        if (state >= WarningState.Reviewed)
        {
            await Approver.ReviewAsync(new ReviewRequest { RequestId = NewId(), WarningId = id, Approve = true });
        }

        return id;
    }

    private async Task<(string A, string B)> TwoWarningsAsync(WarningState state) => (await WarningAsync(state), await WarningAsync(state));

    private Func<Task<IMessage[]>> Histories(string a, string b) => async () =>
        [await Officer.GetHistoryAsync(new GetWarningRequest { WarningId = a }), await Officer.GetHistoryAsync(new GetWarningRequest { WarningId = b })];

    private async Task<IMessage[]> AllWarningsAsync() => [await Officer.ListWarningsAsync(new ListWarningsRequest { PageSize = 500 })];

    private Task CreateDraft() => ReuseAsync(r => Officer.CreateDraftAsync(r),
        new CreateDraftRequest { Content = Content("暴雨蓝色预警 A") }, new CreateDraftRequest { Content = Content("暴雨蓝色预警 B") }, AllWarningsAsync);

    private async Task ImportCapDraft()
    {
        async Task<string> CapAsync(string headline) =>
            (await Officer.GetCapAsync(new GetCapRequest { WarningId = await WarningAsync(WarningState.Published, headline) })).Xml;

        await ReuseAsync(r => Officer.ImportCapDraftAsync(r),
            new ImportCapDraftRequest { CapXml = await CapAsync("暴雨蓝色预警 A") }, new ImportCapDraftRequest { CapXml = await CapAsync("暴雨蓝色预警 B") }, AllWarningsAsync);
    }

    private async Task EditDraft()
    {
        var (a, b) = await TwoWarningsAsync(WarningState.Draft);
        await ReuseAsync(r => Officer.EditDraftAsync(r),
            new EditDraftRequest { WarningId = a, Content = Content("改 A") }, new EditDraftRequest { WarningId = b, Content = Content("改 B") }, Histories(a, b));
    }

    private Task Submit() => StepAsync(WarningState.Draft, r => Officer.SubmitAsync(r));

    private async Task Review()
    {
        var (a, b) = await TwoWarningsAsync(WarningState.Submitted);
        await ReuseAsync(r => Approver.ReviewAsync(r),
            new ReviewRequest { WarningId = a, Approve = true }, new ReviewRequest { WarningId = b, Approve = true }, Histories(a, b));
    }

    private Task SignOff() => StepAsync(WarningState.Reviewed, r => Approver.SignOffAsync(r));

    private Task ApproveNetworkSms() => StepAsync(WarningState.Submitted, r => MunicipalApprover.ApproveNetworkSmsAsync(r));

    private Task Publish() => StepAsync(WarningState.Reviewed, r => Officer.PublishAsync(r));

    private Task EmergencyPublish() => StepAsync(WarningState.Draft, r => Officer.EmergencyPublishAsync(r));

    private async Task Update()
    {
        var (a, b) = await TwoWarningsAsync(WarningState.Published);
        await ReuseAsync(r => Officer.UpdateAsync(r),
            new UpdateWarningRequest { WarningId = a, Content = Content("更正 A"), Note = "typo" }, new UpdateWarningRequest { WarningId = b, Content = Content("更正 B"), Note = "typo" }, Histories(a, b));
    }

    private async Task Lift()
    {
        var (a, b) = await TwoWarningsAsync(WarningState.Published);
        await ReuseAsync(r => Officer.LiftAsync(r),
            new LiftRequest { WarningId = a, Reason = "rain has stopped" }, new LiftRequest { WarningId = b, Reason = "rain has stopped" }, Histories(a, b));
    }

    // A step that names nothing but its warning: A on one warning, B on another in the same state.
    private async Task StepAsync(WarningState from, Func<WarningActionRequest, AsyncUnaryCall<Warning>> rpc)
    {
        var (a, b) = await TwoWarningsAsync(from);
        await ReuseAsync(rpc, new WarningActionRequest { WarningId = a }, new WarningActionRequest { WarningId = b }, Histories(a, b));
    }
}
