using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Identity;
using Warnings.Issuing.Domain;
using Warnings.PublicationList.Domain;
using WarningState = Warnings.Contracts.V1.WarningState;

namespace Warnings.Issuing.Tests;

/// <summary>The warning life cycle alone: each step's state, four-eyes and list rules, without a store or a call.</summary>
public class WarningLifeCycleDomainTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 7, 15, 8, 0);
    private static readonly PlatformPrincipal Maker = Person("officer-a", Roles.DutyOfficer);
    private static readonly PlatformPrincipal Colleague = Person("officer-b", Roles.DutyOfficer);
    private static readonly PlatformPrincipal Approver = Person("approver-c", Roles.Approver);
    private readonly CompiledList _compiled;
    private int _listReads;

    public WarningLifeCycleDomainTests()
    {
        var document = JsonParser.Default.Parse<Contracts.V1.PublicationList>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "publication-list", "shanghai.json")));
        document.Version = 7;
        _compiled = new CompiledList(document);
    }

    private static PlatformPrincipal Person(string id, string role) => new(id, new HashSet<string> { role }, "SMB", null, null, "test");

    // The list as a step asks for it, counting the reads.
    private ValueTask<CompiledList> List()
    {
        _listReads++;
        return ValueTask.FromResult(_compiled);
    }

    private static WarningContent Typhoon(string level = "blue", string[]? channels = null) => new()
    {
        Hazard = "typhoon",
        Level = level,
        Districts = { "310101" },
        Channels = { channels ?? ["website"] },
        OnsetAt = Now.ToTimestamp(),
        ExpiresAt = (Now + Duration.FromHours(6)).ToTimestamp(),
        Texts = { new WarningText { Language = "zh-CN", Headline = "台风预警" } },
    };

    private static WarningLifeCycle Draft(WarningContent? content = null) => WarningLifeCycle.Draft("w-1", "SMB", content ?? Typhoon(), Maker, Now, note: "");

    private async Task<WarningLifeCycle> ReviewedAsync()
    {
        var life = Draft();
        await life.Submit(List, Maker, Now);
        life.Review(approve: true, "ok", Colleague, Now);
        return life;
    }

    private async Task<WarningLifeCycle> PublishedAsync()
    {
        var life = await ReviewedAsync();
        await life.Publish(List, Maker, Now);
        return life;
    }

    private static string Reason(RpcException e) => e.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason;

    [Fact]
    public async Task A_draft_goes_through_review_to_version_one_with_the_list_it_was_decided_against()
    {
        var life = await ReviewedAsync();
        var published = await life.Publish(List, Maker, Now + Duration.FromMinutes(1));

        Assert.Equal(WarningState.Published, life.Warning.State);
        Assert.Equal(1, published.Version.Version);
        Assert.Equal("Alert", published.Version.Kind);
        Assert.Equal(7, published.Version.ListVersion);
        Assert.Equal(["created", "submitted", "reviewed", "published"], life.History.Steps.Select(s => s.Action));
        Assert.Equal(4, life.Warning.Revision);
        Assert.Equal(Now + Duration.FromMinutes(1), life.Warning.UpdatedAt.ToInstant());
    }

    [Fact]
    public async Task Every_step_adds_one_revision_and_its_time()
    {
        var life = Draft();
        var steps = new List<Func<Instant, Task>>
        {
            at => Task.Run(() => life.Edit(Typhoon(), Maker, at)),
            at => life.Submit(List, Maker, at),
            at => Task.Run(() => life.ApproveNetworkSms(Approver, at)),
            at => Task.Run(() => life.Review(approve: true, "", Colleague, at)),
            at => Task.Run(() => life.SignOff(Approver, at)),
            at => life.Publish(List, Maker, at),
            at => life.Update(Typhoon(), "text corrected", List, Maker, at),
            at => life.Lift("over", List, Colleague, at),
        };
        for (int i = 0; i < steps.Count; i++)
        {
            var at = Now + Duration.FromMinutes(i + 1);
            await steps[i](at);
            Assert.Equal(i + 2, life.Warning.Revision);
            Assert.Equal(at, life.Warning.UpdatedAt.ToInstant());
        }

        Assert.Equal(WarningState.Lifted, life.Warning.State);
        Assert.Equal("approver-c", life.Warning.MunicipalApprovedBy);
    }

    [Fact]
    public async Task A_step_out_of_state_is_refused_without_reading_the_list_and_changes_nothing()
    {
        var life = Draft();
        var before = life.History.Clone();

        var wrongState = await Assert.ThrowsAsync<RpcException>(() => life.Publish(List, Maker, Now));
        Assert.Equal(StatusCode.FailedPrecondition, wrongState.StatusCode);
        Assert.Equal(IssuingReasons.WrongState, Reason(wrongState));
        await Assert.ThrowsAsync<RpcException>(() => life.Lift("why", List, Maker, Now));
        await Assert.ThrowsAsync<RpcException>(() => life.Update(Typhoon(), "x", List, Colleague, Now));
        Assert.Throws<RpcException>(() => life.SignOff(Approver, Now));
        Assert.Equal(0, _listReads);
        Assert.Equal(before, life.History);

        await life.Submit(List, Maker, Now);
        Assert.Equal(1, _listReads);
        Assert.Equal(IssuingReasons.WrongState, Reason(Assert.Throws<RpcException>(() => life.Edit(Typhoon(), Maker, Now))));
    }

    [Fact]
    public async Task The_maker_never_reviews_signs_off_or_approves()
    {
        var life = Draft();
        await life.Submit(List, Maker, Now);
        var before = life.History.Clone();

        foreach (var step in new Action[] { () => life.Review(approve: true, "", Maker, Now), () => life.ApproveNetworkSms(Maker, Now) })
        {
            var refused = Assert.Throws<RpcException>(step);
            Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
            Assert.Equal(IssuingReasons.FourEyes, Reason(refused));
        }

        life.Review(approve: true, "", Colleague, Now);
        Assert.Equal(IssuingReasons.FourEyes, Reason(Assert.Throws<RpcException>(() => life.SignOff(Maker, Now))));
        Assert.Equal(before.Steps.Count + 1, life.History.Steps.Count);
    }

    [Fact]
    public async Task A_list_refusal_names_every_violation_and_changes_nothing()
    {
        var life = Draft(Typhoon(channels: ["website", "carrier_pigeon"]));
        var before = life.History.Clone();

        var refused = await Assert.ThrowsAsync<RpcException>(() => life.Submit(List, Maker, Now));

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Equal(IssuingReasons.ListCheckFailed, Reason(refused));
        Assert.Contains("v7", refused.Status.Detail);
        Assert.Equal(before, life.History);
    }

    [Fact]
    public async Task Sending_back_returns_the_draft_with_the_comment_and_an_edit_clears_it()
    {
        var life = Draft();
        await life.Submit(List, Maker, Now);
        life.Review(approve: false, "  wrong district  ", Colleague, Now);
        Assert.Equal(WarningState.Draft, life.Warning.State);
        Assert.Equal("wrong district", life.Warning.ReviewComment);

        life.Edit(Typhoon(), Maker, Now);
        Assert.Equal("", life.Warning.ReviewComment);
    }

    [Fact]
    public async Task The_maker_cannot_widen_a_published_warning_alone_but_a_colleague_can()
    {
        var life = await PublishedAsync();
        var wider = Typhoon("yellow");

        var alone = await Assert.ThrowsAsync<RpcException>(() => life.Update(wider, "stronger", List, Maker, Now));
        Assert.Equal(IssuingReasons.FourEyes, Reason(alone));
        Assert.Equal(1, life.Warning.Version);

        var updated = await life.Update(wider, " stronger ", List, Colleague, Now);
        Assert.Equal(2, updated.Version.Version);
        Assert.Equal("stronger", updated.Note);
        Assert.Equal([1], updated.Version.References.Select(r => r.Version));

        var otherHazard = new WarningContent(wider) { Hazard = "rainstorm" };
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => life.Update(otherHazard, "x", List, Colleague, Now))).StatusCode);
    }

    [Fact]
    public async Task A_level_that_needs_a_leader_is_updated_by_an_approver_only()
    {
        var life = await PublishedAsync();
        var red = Typhoon("red");

        var refused = await Assert.ThrowsAsync<RpcException>(() => life.Update(red, "red now", List, Colleague, Now));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal(IssuingReasons.LeaderRequired, Reason(refused));

        var updated = await life.Update(red, "red now", List, Approver, Now);
        Assert.Equal("red", updated.Version.Level);
        Assert.NotEmpty(updated.Version.ResponseMeasures);
    }

    [Fact]
    public async Task A_fast_tracked_warning_owes_a_sign_off_that_may_come_late()
    {
        var life = Draft();
        await life.EmergencyPublish(List, Maker, Now);
        Assert.True(life.Warning.FastTrack);
        var due = life.Warning.SignOffDueAt.ToInstant();
        Assert.True(WarningLifeCycle.Present(life.Warning, due + Duration.FromMinutes(1)).SignOffOverdue);

        life.SignOff(Approver, due + Duration.FromMinutes(5));

        Assert.Equal(WarningState.Published, life.Warning.State);
        Assert.Equal("approver-c", life.Warning.SignedOffBy);
        Assert.Contains("5 min late", life.History.Steps[^1].Note);
        Assert.False(WarningLifeCycle.Present(life.Warning, due + Duration.FromMinutes(6)).SignOffOverdue);
        Assert.Throws<RpcException>(() => life.SignOff(Approver, due + Duration.FromMinutes(7)));
    }

    [Fact]
    public async Task Expiry_applies_only_to_the_version_found_due()
    {
        var life = await PublishedAsync();
        var expiry = life.Warning.Content.ExpiresAt.ToInstant();

        Assert.False(life.IsDueToExpire(1, expiry - Duration.FromSeconds(1)));
        Assert.False(life.IsDueToExpire(2, expiry));
        Assert.True(life.IsDueToExpire(1, expiry));
        Assert.Null(life.Expire(version: 2, expiry));

        // Found due by the scan, expired even if the clock has stepped back since.
        var expired = life.Expire(version: 1, expiry - Duration.FromMinutes(1));

        Assert.NotNull(expired);
        Assert.Equal(WarningState.Expired, life.Warning.State);
        Assert.Equal("platform", life.History.Steps[^1].By);
        Assert.Null(life.Expire(version: 1, expiry));
    }

    [Fact]
    public async Task Lifting_cancels_under_the_list_in_effect()
    {
        var life = await PublishedAsync();

        var lifted = await life.Lift(" all clear ", List, Colleague, Now);

        Assert.Equal(WarningState.Lifted, life.Warning.State);
        Assert.Equal("Cancel", lifted.Version.Kind);
        Assert.Equal(7, lifted.Version.ListVersion);
        Assert.Empty(lifted.Version.ResponseMeasures);
        Assert.Equal("all clear", lifted.Reason);
        await Assert.ThrowsAsync<RpcException>(() => life.Lift("again", List, Colleague, Now));
    }
}
