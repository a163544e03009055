using Google.Rpc;
using Grpc.Core;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Issuing;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;
using WarningState = Warnings.Contracts.V1.WarningState;

namespace Warnings.Platform.Tests.Issuing;

/// <summary>
/// The warning life cycle through gRPC, with the events each step puts on the bus recorded: blue
/// with maker and reviewer, red with a leader's sign-off, fast-track signed late, upgrade, lift,
/// expiry, and the refusals. Runs on the embedded default and on real RabbitMQ and Redis.
/// </summary>
public abstract class WarningLifeCycleTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : PlatformFixture
{
    private BusRecorder _bus = null!;

    public async Task InitializeAsync() => _bus = await BusRecorder.ConnectAsync(fixture.Platform.Services.GetRequiredService<IBus>());

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    private WarningService.WarningServiceClient As(string role) => fixture.Platform.Client(c => new WarningService.WarningServiceClient(c), role);

    private static string Id() => $"req-{Guid.NewGuid():N}";

    private WarningContent Content(string level = "blue", string hazard = "rainstorm", string[]? channels = null, Duration? validFor = null)
    {
        var now = fixture.Clock.GetCurrentInstant();
        return new WarningContent
        {
            Hazard = hazard,
            Level = level,
            Districts = { "310101", "310104" },
            OnsetAt = now.ToTimestamp(),
            ExpiresAt = (now + (validFor ?? Duration.FromHours(24))).ToTimestamp(),
            Channels = { channels ?? ["website", "app_push"] },
            Texts =
            {
                new WarningText { Language = "zh-CN", Headline = "暴雨蓝色预警", Description = "预计未来12小时内将出现暴雨。", Instruction = "注意防范。" },
                new WarningText { Language = "en", Headline = "Blue rainstorm warning", Description = "Heavy rain expected.", Instruction = "Take care." },
            },
            Contact = "021-12121",
        };
    }

    private async Task<Warning> DraftAsync(WarningContent content) =>
        await As(Roles.DutyOfficer).CreateDraftAsync(new CreateDraftRequest { RequestId = Id(), Content = content });

    private async Task<Warning> ReviewedAsync(WarningContent content)
    {
        var draft = await DraftAsync(content);
        await As(Roles.DutyOfficer).SubmitAsync(new WarningActionRequest { RequestId = Id(), WarningId = draft.Id });
        return await As(Roles.Approver).ReviewAsync(new ReviewRequest { RequestId = Id(), WarningId = draft.Id, Approve = true });
    }

    private async Task<IReadOnlyList<object>> EventsAsync(string warningId, int count) =>
        await Eventually.Until(() => Task.FromResult(_bus.About(warningId)), e => e.Count >= count, $"{count} events about {warningId}");


    [Fact]
    public async Task The_audit_names_a_list_version_only_for_steps_the_list_decided()
    {
        var draft = await DraftAsync(Content());
        string refused = Id(), submitted = Id();

        await Assert.ThrowsAsync<RpcException>(async () => await As(Roles.DutyOfficer).PublishAsync(new WarningActionRequest { RequestId = refused, WarningId = draft.Id }));
        await As(Roles.DutyOfficer).SubmitAsync(new WarningActionRequest { RequestId = submitted, WarningId = draft.Id });

        var audit = fixture.Platform.Client(c => new AuditService.AuditServiceClient(c));
        var found = new Dictionary<string, AuditEntry>();
        string token = "";
        for (int page = 0; page < 50 && found.Count < 2; page++)
        {
            var entries = await audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 1000, PageToken = token });
            foreach (var entry in entries.Entries.Where(e => e.RequestId == refused || e.RequestId == submitted))
            {
                found[entry.RequestId] = entry;
            }

            token = entries.NextPageToken;
            if (token.Length == 0)
            {
                break;
            }
        }

        Assert.Equal("FAILED_PRECONDITION", found[refused].Outcome);
        Assert.Equal("", found[refused].ListVersion); // refused for its state: no list was asked
        Assert.Equal("OK", found[submitted].Outcome);
        Assert.NotEqual("", found[submitted].ListVersion);
    }

    [Fact]
    public async Task A_blue_warning_with_maker_and_reviewer_is_published_once()
    {
        var reviewed = await ReviewedAsync(Content());

        var published = await As(Roles.DutyOfficer).PublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = reviewed.Id });

        Assert.Equal(WarningState.Published, published.State);
        Assert.Equal(1, published.Version);
        Assert.Equal(TestIdentities.PrincipalId(Roles.Approver), published.Reviewer);
        var events = await EventsAsync(published.Id, 1);
        var version = Assert.IsType<WarningPublished>(Assert.Single(events)).Version;
        Assert.Equal(["website", "app_push"], version.Channels);
        Assert.Equal(published.ListVersion, version.ListVersion);
        Assert.Equal("Alert", version.Kind);
        Assert.Equal(fixture.Clock.GetCurrentInstant(), version.PublishedAt);
    }

    [Fact]
    public async Task A_red_warning_needs_a_leaders_sign_off_before_it_can_publish()
    {
        var reviewed = await ReviewedAsync(Content("red", "typhoon", ["sms", "tv", "siren"]));

        var unsigned = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).PublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = reviewed.Id }).ResponseAsync);
        RpcAssert.Refused(unsigned, StatusCode.FailedPrecondition, "LIST_CHECK_FAILED");
        Assert.Equal("sign_offs.leader_signed_off", Assert.Single(unsigned.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations).Subject);

        await As(Roles.Approver).SignOffAsync(new WarningActionRequest { RequestId = Id(), WarningId = reviewed.Id });
        var published = await As(Roles.DutyOfficer).PublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = reviewed.Id });

        Assert.Equal(TestIdentities.PrincipalId(Roles.Approver), published.SignedOffBy);
        var version = Assert.IsType<WarningPublished>(Assert.Single(await EventsAsync(published.Id, 1))).Version;
        Assert.Contains("suspend_work", version.ResponseMeasures);
        Assert.Equal("red", version.Level);
    }

    [Fact]
    public async Task An_emergency_fast_track_publishes_at_once_and_is_flagged_until_signed_late()
    {
        var draft = await DraftAsync(Content("red", "typhoon", ["sms", "cell_broadcast"]));

        var published = await As(Roles.DutyOfficer).EmergencyPublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = draft.Id });
        Assert.True(published.FastTrack);
        Assert.Equal(fixture.Clock.GetCurrentInstant() + Duration.FromMinutes(30), published.SignOffDueAt.ToInstant());
        Assert.False(published.SignOffOverdue);
        Assert.True(Assert.IsType<WarningPublished>(Assert.Single(await EventsAsync(draft.Id, 1))).Version.FastTrack);

        fixture.Clock.Advance(Duration.FromMinutes(45));
        Assert.True((await As(Roles.Analyst).GetWarningAsync(new GetWarningRequest { WarningId = draft.Id })).SignOffOverdue);

        var signed = await As(Roles.Approver).SignOffAsync(new WarningActionRequest { RequestId = Id(), WarningId = draft.Id });

        Assert.False(signed.SignOffOverdue);
        Assert.Equal(WarningState.Published, signed.State);
        var history = await As(Roles.Analyst).GetHistoryAsync(new GetWarningRequest { WarningId = draft.Id });
        Assert.Contains(history.Steps, s => s.Action == "signed_off" && s.Note.Contains("15 min late"));
    }

    [Fact]
    public async Task A_fast_track_is_refused_where_the_grant_does_not_allow_it()
    {
        var officer = fixture.Platform.Client(c => new WarningService.WarningServiceClient(c), Roles.DutyOfficer);
        var content = Content("blue", "gale");
        var draft = await DraftAsync(content);
        // The default list allows the fast-track for SMB; suspend nothing, but ask for a channel the level lacks.
        content.Channels.Add("siren");
        await officer.EditDraftAsync(new EditDraftRequest { RequestId = Id(), WarningId = draft.Id, Content = content });

        var error = await Assert.ThrowsAsync<RpcException>(() => officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = draft.Id }).ResponseAsync);

        RpcAssert.Refused(error, StatusCode.FailedPrecondition, "LIST_CHECK_FAILED");
        Assert.Equal(WarningState.Draft, (await As(Roles.Analyst).GetWarningAsync(new GetWarningRequest { WarningId = draft.Id })).State);
    }

    [Fact]
    public async Task An_upgrade_to_orange_needs_an_approver_and_makes_version_two()
    {
        var reviewed = await ReviewedAsync(Content());
        await As(Roles.DutyOfficer).PublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = reviewed.Id });
        var orange = Content("orange", channels: ["sms", "tv", "cell_broadcast"]);

        var byOfficer = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).UpdateAsync(
            new UpdateWarningRequest { RequestId = Id(), WarningId = reviewed.Id, Content = orange, Note = "upgraded to orange" }).ResponseAsync);
        RpcAssert.Refused(byOfficer, StatusCode.PermissionDenied, "LEADER_REQUIRED");

        var updated = await As(Roles.Approver).UpdateAsync(new UpdateWarningRequest { RequestId = Id(), WarningId = reviewed.Id, Content = orange, Note = "upgraded to orange" });

        Assert.Equal(2, updated.Version);
        var events = await EventsAsync(reviewed.Id, 2);
        var update = Assert.IsType<WarningUpdated>(events[1]);
        Assert.Equal("orange", update.Version.Level);
        Assert.Equal(1, Assert.Single(update.Version.References).Version);
        Assert.Equal("Update", update.Version.Kind);
        Assert.Equal("upgraded to orange", update.Note);
    }

    [Fact]
    public async Task The_maker_of_a_fast_tracked_warning_cannot_widen_it_alone_but_can_correct_it()
    {
        var blue = Content("blue", "gale");
        var draft = await DraftAsync(blue);
        await As(Roles.DutyOfficer).EmergencyPublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = draft.Id });
        var wider = Content("yellow", "gale", channels: ["website", "sms", "tv"]);
        wider.Districts.Clear();
        wider.Districts.Add("310000");

        var alone = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).UpdateAsync(
            new UpdateWarningRequest { RequestId = Id(), WarningId = draft.Id, Content = wider, Note = "city-wide" }).ResponseAsync);
        RpcAssert.Refused(alone, StatusCode.PermissionDenied, "FOUR_EYES");
        Assert.Contains("channels added", alone.Status.Detail);

        var corrected = blue.Clone();
        corrected.Texts[0].Headline += "（更正）";
        var correction = await As(Roles.DutyOfficer).UpdateAsync(new UpdateWarningRequest { RequestId = Id(), WarningId = draft.Id, Content = corrected, Note = "typo" });
        Assert.Equal(2, correction.Version);

        string colleague = TestIdentities.MintJwt("second.officer", [Roles.DutyOfficer], DateTime.UtcNow.AddMinutes(10), department: TestIdentities.Department);
        var byColleague = await new WarningService.WarningServiceClient(fixture.Platform.WithAuthorization($"Bearer {colleague}")).UpdateAsync(
            new UpdateWarningRequest { RequestId = Id(), WarningId = draft.Id, Content = wider, Note = "city-wide" });
        Assert.Equal(3, byColleague.Version);
        Assert.Equal("yellow", byColleague.Content.Level);
    }

    [Fact]
    public async Task Warnings_are_listed_page_by_page_without_gaps_or_repeats()
    {
        for (int i = 0; i < 3; i++)
        {
            await DraftAsync(Content());
        }

        var all = new List<string>();
        var page = await As(Roles.Analyst).ListWarningsAsync(new ListWarningsRequest { PageSize = 2 });
        all.AddRange(page.Warnings.Select(w => w.Id));
        while (page.NextPageToken.Length > 0)
        {
            Assert.Equal(2, page.Warnings.Count);
            page = await As(Roles.Analyst).ListWarningsAsync(new ListWarningsRequest { PageSize = 2, PageToken = page.NextPageToken });
            all.AddRange(page.Warnings.Select(w => w.Id));
        }

        Assert.Equal(all.Distinct().Count(), all.Count);
        Assert.True(all.Count >= 3);

        // Newest first: the same warnings, the other way round.
        var backwards = new List<string>();
        string token = "";
        do
        {
            page = await As(Roles.Analyst).ListWarningsAsync(new ListWarningsRequest { PageSize = 2, PageToken = token, NewestFirst = true });
            backwards.AddRange(page.Warnings.Select(w => w.Id));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal(Enumerable.Reverse(all), backwards.Where(all.Contains));
        var bad = await Assert.ThrowsAsync<RpcException>(() => As(Roles.Analyst).ListWarningsAsync(new ListWarningsRequest { PageSize = 501 }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        var beyond = await Assert.ThrowsAsync<RpcException>(() => As(Roles.Analyst).ListWarningsAsync(new ListWarningsRequest { PageToken = "999999" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, beyond.StatusCode);
    }

    [Fact]
    public async Task Notes_that_go_into_CAP_are_bounded()
    {
        var reviewed = await ReviewedAsync(Content());
        await As(Roles.DutyOfficer).PublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = reviewed.Id });

        var lift = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).LiftAsync(new LiftRequest { RequestId = Id(), WarningId = reviewed.Id, Reason = new string('解', 501) }).ResponseAsync);
        var update = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).UpdateAsync(new UpdateWarningRequest { RequestId = Id(), WarningId = reviewed.Id, Content = Content(), Note = new string('x', 501) }).ResponseAsync);

        RpcAssert.Refused(lift, StatusCode.InvalidArgument, "INVALID_REQUEST");
        RpcAssert.Refused(update, StatusCode.InvalidArgument, "INVALID_REQUEST");
        Assert.Equal(WarningState.Published, (await As(Roles.Analyst).GetWarningAsync(new GetWarningRequest { WarningId = reviewed.Id })).State);
    }

    [Fact]
    public async Task A_lift_ends_the_warning_with_a_cancel_version()
    {
        var reviewed = await ReviewedAsync(Content());
        await As(Roles.DutyOfficer).PublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = reviewed.Id });

        var lifted = await As(Roles.DutyOfficer).LiftAsync(new LiftRequest { RequestId = Id(), WarningId = reviewed.Id, Reason = "rain has stopped" });

        Assert.Equal(WarningState.Lifted, lifted.State);
        var lift = Assert.IsType<WarningLifted>((await EventsAsync(reviewed.Id, 2))[1]);
        Assert.Equal("Cancel", lift.Version.Kind);
        Assert.Equal("rain has stopped", lift.Reason);
        var active = await As(Roles.Analyst).ListWarningsAsync(new ListWarningsRequest { ActiveAt = fixture.Clock.GetCurrentInstant().ToTimestamp() });
        Assert.DoesNotContain(active.Warnings, w => w.Id == reviewed.Id);
    }

    [Fact]
    public async Task A_warning_expires_at_its_expiry_by_the_clock()
    {
        var reviewed = await ReviewedAsync(Content(validFor: Duration.FromMinutes(90)));
        await As(Roles.DutyOfficer).PublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = reviewed.Id });

        fixture.Clock.Advance(Duration.FromMinutes(90));

        var expired = await Eventually.Until(
            async () => await As(Roles.Analyst).GetWarningAsync(new GetWarningRequest { WarningId = reviewed.Id }),
            w => w.State == WarningState.Expired, "the warning to expire");
        Assert.Equal(WarningState.Expired, expired.State);
        Assert.IsType<WarningExpired>((await EventsAsync(reviewed.Id, 2))[1]);
        await fixture.Platform.Services.GetRequiredService<WarningExpiry>().ScanAsync();
        Assert.Single(_bus.Of<WarningExpired>(reviewed.Id));
    }

    [Fact]
    public async Task The_maker_may_not_review_their_own_warning()
    {
        var draft = await DraftAsync(Content());
        await As(Roles.DutyOfficer).SubmitAsync(new WarningActionRequest { RequestId = Id(), WarningId = draft.Id });

        var error = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).ReviewAsync(
            new ReviewRequest { RequestId = Id(), WarningId = draft.Id, Approve = true }).ResponseAsync);

        RpcAssert.Refused(error, StatusCode.PermissionDenied, "FOUR_EYES");
        Assert.Equal(WarningState.Submitted, (await As(Roles.Analyst).GetWarningAsync(new GetWarningRequest { WarningId = draft.Id })).State);
    }

    [Fact]
    public async Task A_step_out_of_order_is_refused_and_changes_nothing()
    {
        var draft = await DraftAsync(Content());

        var error = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).PublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = draft.Id }).ResponseAsync);

        RpcAssert.Refused(error, StatusCode.FailedPrecondition, "WARNING_STATE");
        var after = await As(Roles.Analyst).GetWarningAsync(new GetWarningRequest { WarningId = draft.Id });
        Assert.Equal(draft.Revision, after.Revision);
    }

    [Fact]
    public async Task Submitting_what_the_list_refuses_lists_every_violation_with_the_list_version()
    {
        var draft = await DraftAsync(Content(channels: ["website", "siren", "network_sms"], validFor: Duration.FromDays(5)));

        var error = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).SubmitAsync(new WarningActionRequest { RequestId = Id(), WarningId = draft.Id }).ResponseAsync);

        RpcAssert.Refused(error, StatusCode.FailedPrecondition, "LIST_CHECK_FAILED");
        var status = error.GetRpcStatus()!;
        Assert.Equal(["CHANNEL_NOT_ALLOWED", "CHANNEL_NOT_ALLOWED", "VALIDITY_TOO_LONG"], status.GetDetail<PreconditionFailure>().Violations.Select(v => v.Type));
        Assert.True(long.Parse(status.GetDetail<ErrorInfo>().Metadata["list_version"]) >= 1);
        Assert.Equal(WarningState.Draft, (await As(Roles.Analyst).GetWarningAsync(new GetWarningRequest { WarningId = draft.Id })).State);
    }

    [Fact]
    public async Task An_officer_acts_for_their_own_department_only()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).CreateDraftAsync(
            new CreateDraftRequest { RequestId = Id(), Department = "SWA", Content = Content(hazard: "flood") }).ResponseAsync);

        RpcAssert.Refused(error, StatusCode.PermissionDenied, "DEPARTMENT_OUT_OF_SCOPE");
    }

    [Fact]
    public async Task Invalid_content_gets_a_field_violation_for_each_problem()
    {
        var content = Content();
        content.Texts[0].Headline = "";
        content.ExpiresAt = (content.OnsetAt.ToInstant() - Duration.FromHours(1)).ToTimestamp();
        content.Districts.Add("999999");
        content.Texts.Add(new WarningText { Language = "fr", Headline = "Alerte" });
        content.Texts[1].Headline = new string('长', 101);
        content.Texts[1].Description = new string('x', 2001);

        var error = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).CreateDraftAsync(new CreateDraftRequest { RequestId = Id(), Content = content }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "content.texts[0].headline", "content.expires_at", "content.districts[2]", "content.texts[2].language",
            "content.texts[1].headline", "content.texts[1].description" }, fields);
    }

    [Fact]
    public async Task Fifty_concurrent_repeats_of_one_publish_give_one_version_and_one_event()
    {
        var reviewed = await ReviewedAsync(Content());
        string requestId = Id();

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            As(Roles.DutyOfficer).PublishAsync(new WarningActionRequest { RequestId = requestId, WarningId = reviewed.Id }).ResponseAsync));

        Assert.Single(answers.Distinct());
        Assert.Equal(1, answers[0].Version);
        await EventsAsync(reviewed.Id, 1);
        var history = await As(Roles.Analyst).GetHistoryAsync(new GetWarningRequest { WarningId = reviewed.Id });
        Assert.Single(history.Versions);
        Assert.Single(_bus.Of<WarningPublished>(reviewed.Id));
    }

    [Fact]
    public async Task Every_published_version_has_a_valid_cap_document_that_imports_back_as_a_draft()
    {
        var reviewed = await ReviewedAsync(Content());
        await As(Roles.DutyOfficer).PublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = reviewed.Id });
        await As(Roles.DutyOfficer).LiftAsync(new LiftRequest { RequestId = Id(), WarningId = reviewed.Id, Reason = "over" });

        var first = await As(Roles.Analyst).GetCapAsync(new GetCapRequest { WarningId = reviewed.Id, Version = 1 });
        var cancel = await As(Roles.Analyst).GetCapAsync(new GetCapRequest { WarningId = reviewed.Id });

        Assert.Empty(Warnings.Issuing.Cap.CapSchema.Parse(first.Xml).Errors);
        Assert.Empty(Warnings.Issuing.Cap.CapSchema.Parse(cancel.Xml).Errors);
        Assert.Contains("<msgType>Cancel</msgType>", cancel.Xml);
        Assert.Contains(first.Identifier, cancel.Xml);
        var imported = await As(Roles.DutyOfficer).ImportCapDraftAsync(new ImportCapDraftRequest { RequestId = Id(), CapXml = first.Xml });
        Assert.Equal(WarningState.Draft, imported.State);
        Assert.Equal("rainstorm", imported.Content.Hazard);
        Assert.Equal("blue", imported.Content.Level);
    }

    [Fact]
    public async Task A_cap_alert_the_platform_cannot_take_is_refused_with_each_reason()
    {
        string oasis = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cap", "oasis-example1.xml"));

        var error = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).ImportCapDraftAsync(new ImportCapDraftRequest { RequestId = Id(), CapXml = oasis }).ResponseAsync);

        RpcAssert.Refused(error, StatusCode.InvalidArgument, "CAP_NOT_IMPORTABLE");
        Assert.Contains("alert.info.language", error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task A_cap_alert_with_a_DTD_is_refused_with_its_own_reason()
    {
        const string laughs = "<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
            + "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>&b;</identifier></alert>";

        var error = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).ImportCapDraftAsync(new ImportCapDraftRequest { RequestId = Id(), CapXml = laughs }).ResponseAsync);

        RpcAssert.Refused(error, StatusCode.InvalidArgument, "CAP_DTD_NOT_ALLOWED");
        Assert.Equal("cap_xml", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task Network_wide_sms_needs_the_municipal_approval_before_publication()
    {
        var reviewed = await ReviewedAsync(Content("red", "typhoon", ["sms", "network_sms"]));
        await As(Roles.Approver).SignOffAsync(new WarningActionRequest { RequestId = Id(), WarningId = reviewed.Id });

        var unapproved = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).PublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = reviewed.Id }).ResponseAsync);
        Assert.Equal("sign_offs.municipal_approved", Assert.Single(unapproved.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations).Subject);
        var bySmb = await Assert.ThrowsAsync<RpcException>(() => As(Roles.Approver).ApproveNetworkSmsAsync(new WarningActionRequest { RequestId = Id(), WarningId = reviewed.Id }).ResponseAsync);
        RpcAssert.Refused(bySmb, StatusCode.PermissionDenied, "MUNICIPAL_APPROVER_REQUIRED");

        string municipal = TestIdentities.MintJwt("semb.leader", [Roles.Approver], DateTime.UtcNow.AddMinutes(10), department: "SEMB");
        var approved = await new WarningService.WarningServiceClient(fixture.Platform.WithAuthorization($"Bearer {municipal}"))
            .ApproveNetworkSmsAsync(new WarningActionRequest { RequestId = Id(), WarningId = reviewed.Id });
        var published = await As(Roles.DutyOfficer).PublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = reviewed.Id });

        Assert.Equal("semb.leader", approved.MunicipalApprovedBy);
        Assert.Equal(WarningState.Published, published.State);
        Assert.Contains("network_sms", Assert.IsType<WarningPublished>(Assert.Single(await EventsAsync(reviewed.Id, 1))).Version.Channels);
    }

    [Fact]
    public async Task A_polygon_that_crosses_itself_is_refused_and_a_circle_needs_a_sane_radius()
    {
        var content = Content();
        content.Polygons.Add(new Polygon { Points = { new GeoPoint { Latitude = 31.2, Longitude = 121.4 }, new GeoPoint { Latitude = 31.3, Longitude = 121.5 },
            new GeoPoint { Latitude = 31.3, Longitude = 121.4 }, new GeoPoint { Latitude = 31.2, Longitude = 121.5 }, new GeoPoint { Latitude = 31.2, Longitude = 121.4 } } });
        content.Polygons.Add(new Polygon { Points = { new GeoPoint { Latitude = 31.2, Longitude = 121.4 }, new GeoPoint { Latitude = 31.3, Longitude = 121.5 } } });
        content.Circles.Add(new Circle { Center = new GeoPoint { Latitude = 31.2, Longitude = 121.4 }, RadiusKm = 5000 });

        var error = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).CreateDraftAsync(new CreateDraftRequest { RequestId = Id(), Content = content }).ResponseAsync);

        var violations = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.ToDictionary(v => v.Field, v => v.Description);
        Assert.Contains("cross", violations["content.polygons[0].points"]);
        Assert.Contains("ends where it starts", violations["content.polygons[1].points"]);
        Assert.Contains("content.circles[0].radius_km", violations.Keys);
    }

    private static Polygon Ring(int points, double radius = 0.05)
    {
        // A closed, convex ring around the Bund: never crosses itself.
        var ring = new Polygon();
        for (int i = 0; i < points - 1; i++)
        {
            double angle = 2 * Math.PI * i / (points - 1);
            ring.Points.Add(new GeoPoint { Latitude = 31.23 + (radius * Math.Sin(angle)), Longitude = 121.47 + (radius * Math.Cos(angle)) });
        }

        ring.Points.Add(ring.Points[0].Clone());
        return ring;
    }

    [Fact]
    public async Task Polygons_are_limited_in_points_and_warnings_in_shapes()
    {
        var largest = Content();
        largest.Polygons.Add(Ring(1000));
        var accepted = await DraftAsync(largest);
        Assert.Equal(1000, accepted.Content.Polygons.Single().Points.Count);

        var tooLarge = Content();
        tooLarge.Polygons.Add(Ring(1001));
        var points = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).CreateDraftAsync(new CreateDraftRequest { RequestId = Id(), Content = tooLarge }).ResponseAsync);
        RpcAssert.Refused(points, StatusCode.InvalidArgument, "INVALID_REQUEST");
        Assert.Contains("at most 1000 points", Assert.Single(points.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field == "content.polygons[0].points").Description);

        var tooMany = Content();
        for (int i = 0; i < 21; i++)
        {
            tooMany.Circles.Add(new Circle { Center = new GeoPoint { Latitude = 31.2, Longitude = 121.4 + (i * 0.01) }, RadiusKm = 1 });
        }

        var shapes = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).CreateDraftAsync(new CreateDraftRequest { RequestId = Id(), Content = tooMany }).ResponseAsync);
        Assert.Contains("at most 20 polygons and circles", Assert.Single(shapes.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field == "content.polygons").Description);
    }

    [Fact]
    public async Task Coordinates_that_are_not_finite_or_not_on_Earth_are_refused()
    {
        var content = Content();
        var nan = Ring(8);
        nan.Points[2].Latitude = double.NaN;
        var infinite = Ring(8);
        infinite.Points[3].Longitude = double.PositiveInfinity;
        var beyond = Ring(8);
        beyond.Points[1].Latitude = 91;
        content.Polygons.Add(nan);
        content.Polygons.Add(infinite);
        content.Polygons.Add(beyond);
        content.Circles.Add(new Circle { Center = new GeoPoint { Latitude = double.NegativeInfinity, Longitude = 121.4 }, RadiusKm = 1 });
        content.Circles.Add(new Circle { Center = new GeoPoint { Latitude = 31.2, Longitude = 121.4 }, RadiusKm = double.NaN });

        var error = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).CreateDraftAsync(new CreateDraftRequest { RequestId = Id(), Content = content }).ResponseAsync);

        RpcAssert.Refused(error, StatusCode.InvalidArgument, "INVALID_REQUEST");
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToList();
        Assert.Contains("content.polygons[0].points", fields);
        Assert.Contains("content.polygons[1].points", fields);
        Assert.Contains("content.polygons[2].points", fields);
        Assert.Contains("content.circles[0].center", fields);
        Assert.Contains("content.circles[1].radius_km", fields);
    }

    [Fact]
    public async Task The_department_is_checked_before_the_geometry()
    {
        string outsider = TestIdentities.MintJwt("other.officer", [Roles.DutyOfficer], DateTime.UtcNow.AddMinutes(10), department: "SWB");
        var asOutsider = new WarningService.WarningServiceClient(fixture.Platform.WithAuthorization($"Bearer {outsider}"));
        var crossing = Content();
        crossing.Polygons.Add(new Polygon { Points = { new GeoPoint { Latitude = 31.2, Longitude = 121.4 }, new GeoPoint { Latitude = 31.3, Longitude = 121.5 },
            new GeoPoint { Latitude = 31.3, Longitude = 121.4 }, new GeoPoint { Latitude = 31.2, Longitude = 121.5 }, new GeoPoint { Latitude = 31.2, Longitude = 121.4 } } });

        var create = await Assert.ThrowsAsync<RpcException>(() => asOutsider.CreateDraftAsync(new CreateDraftRequest { RequestId = Id(), Department = TestIdentities.Department, Content = crossing }).ResponseAsync);
        RpcAssert.Refused(create, StatusCode.PermissionDenied, "DEPARTMENT_OUT_OF_SCOPE");

        var draft = await DraftAsync(Content());
        var edit = await Assert.ThrowsAsync<RpcException>(() => asOutsider.EditDraftAsync(new EditDraftRequest { RequestId = Id(), WarningId = draft.Id, Content = crossing }).ResponseAsync);
        RpcAssert.Refused(edit, StatusCode.PermissionDenied, "DEPARTMENT_OUT_OF_SCOPE");

        // Within the department the same content is refused for what it is.
        var own = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).EditDraftAsync(new EditDraftRequest { RequestId = Id(), WarningId = draft.Id, Content = crossing }).ResponseAsync);
        RpcAssert.Refused(own, StatusCode.InvalidArgument, "INVALID_REQUEST");
        Assert.Contains("cross", Assert.Single(own.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Description);
    }
}

public sealed class EmbeddedWarningLifeCycleTests(EmbeddedPlatformFixture fixture) : WarningLifeCycleTests<EmbeddedPlatformFixture>(fixture);

public sealed class RealWarningLifeCycleTests(RealPlatformFixture fixture) : WarningLifeCycleTests<RealPlatformFixture>(fixture);
