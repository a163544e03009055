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
    private readonly CompiledList _list;

    public WarningLifeCycleDomainTests()
    {
        var document = JsonParser.Default.Parse<Contracts.V1.PublicationList>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "publication-list", "shanghai.json")));
        document.Version = 7;
        _list = new CompiledList(document);
    }

    private static PlatformPrincipal Person(string id, string role) => new(id, new HashSet<string> { role }, "SMB", null, null, "test");

    private static WarningContent Typhoon(string level = "blue", string[]? channels = null) => new()
    {
        Hazard = "typhoon",
        Level = level,
        Districts = { "310101" },
        Channels = { channels ?? ["website"] },
        OnsetAt = Now.ToTimestamp(),
        ExpiresAt = (Now + Duration.FromHours(6)).ToTimestamp(),
        Texts = { new WarningText { Language = "zh-CN", Headline = "台风蓝色预警" } },
    };

    private static WarningLifeCycle Draft() => WarningLifeCycle.Draft("w-1", "SMB", Typhoon(), Maker, Now, note: "");

    private WarningLifeCycle Reviewed()
    {
        var life = Draft();
        life.Submit(_list, Maker, Now);
        life.Review(approve: true, "ok", Colleague, Now);
        return life;
    }

    private static string Reason(RpcException e) => e.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason;

    [Fact]
    public void A_draft_goes_through_review_to_version_one_with_the_list_it_was_decided_against()
    {
        var life = Reviewed();
        var published = life.Publish(_list, Maker, Now + Duration.FromMinutes(1));

        Assert.Equal(WarningState.Published, life.Warning.State);
        Assert.Equal(1, published.Version.Version);
        Assert.Equal("Alert", published.Version.Kind);
        Assert.Equal(7, published.Version.ListVersion);
        Assert.Equal(["created", "submitted", "reviewed", "published"], life.History.Steps.Select(s => s.Action));
        Assert.Equal(4, life.Warning.Revision);
        Assert.Equal(Now + Duration.FromMinutes(1), life.Warning.UpdatedAt.ToInstant());
    }

    [Fact]
    public void A_step_out_of_state_or_by_the_maker_is_refused_and_changes_nothing()
    {
        var life = Draft();
        var before = life.History.Clone();

        var wrongState = Assert.Throws<RpcException>(() => life.Publish(_list, Maker, Now));
        Assert.Equal(StatusCode.FailedPrecondition, wrongState.StatusCode);
        Assert.Equal(IssuingReasons.WrongState, Reason(wrongState));
        Assert.Equal(before, life.History);

        life.Submit(_list, Maker, Now);
        var ownReview = Assert.Throws<RpcException>(() => life.Review(approve: true, "", Maker, Now));
        Assert.Equal(StatusCode.PermissionDenied, ownReview.StatusCode);
        Assert.Equal(IssuingReasons.FourEyes, Reason(ownReview));
        Assert.Equal(WarningState.Submitted, life.Warning.State);
    }

    [Fact]
    public void A_list_refusal_names_every_violation_and_changes_nothing()
    {
        var life = WarningLifeCycle.Draft("w-2", "SMB", Typhoon(channels: ["website", "carrier_pigeon"]), Maker, Now, note: "");
        var before = life.History.Clone();

        var refused = Assert.Throws<RpcException>(() => life.Submit(_list, Maker, Now));

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Equal(IssuingReasons.ListCheckFailed, Reason(refused));
        Assert.Contains("v7", refused.Status.Detail);
        Assert.Equal(before, life.History);
    }

    [Fact]
    public void Sending_back_returns_the_draft_with_the_comment_and_an_edit_clears_it()
    {
        var life = Draft();
        life.Submit(_list, Maker, Now);
        life.Review(approve: false, "  wrong district  ", Colleague, Now);
        Assert.Equal(WarningState.Draft, life.Warning.State);
        Assert.Equal("wrong district", life.Warning.ReviewComment);

        life.Edit(Typhoon(), Maker, Now);
        Assert.Equal("", life.Warning.ReviewComment);
    }

    [Fact]
    public void The_maker_cannot_widen_a_published_warning_alone_but_a_colleague_can()
    {
        var life = Reviewed();
        life.Publish(_list, Maker, Now);
        var wider = Typhoon("yellow");

        var alone = Assert.Throws<RpcException>(() => life.Update(wider, "stronger", _list, Maker, Now));
        Assert.Equal(IssuingReasons.FourEyes, Reason(alone));
        Assert.Equal(1, life.Warning.Version);

        var updated = life.Update(wider, " stronger ", _list, Colleague, Now);
        Assert.Equal(2, updated.Version.Version);
        Assert.Equal("stronger", updated.Note);
        Assert.Equal([1], updated.Version.References.Select(r => r.Version));

        var otherHazard = new WarningContent(wider) { Hazard = "rainstorm" };
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<RpcException>(() => life.Update(otherHazard, "x", _list, Colleague, Now)).StatusCode);
    }

    [Fact]
    public void A_fast_tracked_warning_owes_a_sign_off_that_may_come_late()
    {
        var life = Draft();
        life.EmergencyPublish(_list, Maker, Now);
        Assert.True(life.Warning.FastTrack);
        var due = life.Warning.SignOffDueAt.ToInstant();
        Assert.True(WarningLifeCycle.Present(life.Warning, due + Duration.FromMinutes(1)).SignOffOverdue);

        life.SignOff(Approver, due + Duration.FromMinutes(5));

        Assert.Equal(WarningState.Published, life.Warning.State);
        Assert.Equal("approver-c", life.Warning.SignedOffBy);
        Assert.Contains("5 min late", life.History.Steps[^1].Note);
        Assert.False(WarningLifeCycle.Present(life.Warning, due + Duration.FromMinutes(6)).SignOffOverdue);
    }

    [Fact]
    public void Expiry_applies_only_to_the_version_it_was_due_for()
    {
        var life = Reviewed();
        life.Publish(_list, Maker, Now);
        var expiry = life.Warning.Content.ExpiresAt.ToInstant();

        Assert.Null(life.Expire(version: 1, expiry - Duration.FromSeconds(1)));
        Assert.Null(life.Expire(version: 2, expiry));
        var expired = life.Expire(version: 1, expiry);

        Assert.NotNull(expired);
        Assert.Equal(WarningState.Expired, life.Warning.State);
        Assert.Equal("platform", life.History.Steps[^1].By);
        Assert.Null(life.Expire(version: 1, expiry));
    }

    [Fact]
    public void Lifting_cancels_under_the_list_version_given()
    {
        var life = Reviewed();
        life.Publish(_list, Maker, Now);

        var lifted = life.Lift(" all clear ", listVersion: 8, Colleague, Now);

        Assert.Equal(WarningState.Lifted, life.Warning.State);
        Assert.Equal("Cancel", lifted.Version.Kind);
        Assert.Equal(8, lifted.Version.ListVersion);
        Assert.Empty(lifted.Version.ResponseMeasures);
        Assert.Equal("all clear", lifted.Reason);
        Assert.Throws<RpcException>(() => life.Lift("again", 8, Colleague, Now));
    }
}
