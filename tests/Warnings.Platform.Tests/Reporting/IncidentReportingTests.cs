using Google.Rpc;
using Grpc.Core;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Reporting;

/// <summary>
/// Incident reports through gRPC with their events recorded: on time and closed, escalation,
/// late (迟报), overdue follow-ups, corrections, direct municipal escalation, and every refusal with
/// nothing written. Runs on the embedded default and on real RabbitMQ and Redis.
/// </summary>
public abstract class IncidentReportingTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : PlatformFixture
{
    private BusRecorder _bus = null!;

    public async Task InitializeAsync() => _bus = await BusRecorder.ConnectAsync(fixture.Platform.Services.GetRequiredService<IBus>());

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    private IncidentReportService.IncidentReportServiceClient Reporter => fixture.Platform.Client(c => new IncidentReportService.IncidentReportServiceClient(c), Roles.DistrictReporter);

    private IncidentReportService.IncidentReportServiceClient Analyst => fixture.Platform.Client(c => new IncidentReportService.IncidentReportServiceClient(c), Roles.Analyst);

    private static string Id() => $"req-{Guid.NewGuid():N}";

    private Instant Now => fixture.Clock.GetCurrentInstant();

    private ReportBody Initial(int deaths = 1, string category = "production_safety", Duration? ago = null, int missing = 0) => new()
    {
        Category = category,
        OccurredAt = (Now - (ago ?? Duration.FromMinutes(30))).ToTimestamp(),
        District = "310101",
        Address = "中山东一路",
        Location = new GeoPoint { Latitude = 31.2304, Longitude = 121.4737 },
        ReportingUnit = "黄浦区应急管理局",
        Reporter = "王值班",
        Totals = new IncidentCounts { Deaths = deaths, Missing = missing, SeriouslyInjured = 1 },
        Account = "厂房起火，已扑灭。",
    };

    private static ReportBody FollowUp(int deaths, string? reason = null, int missing = 0) => new()
    {
        Totals = new IncidentCounts { Deaths = deaths, Missing = missing, SeriouslyInjured = 1 },
        Account = "续报：搜救继续。",
        Measures = "现场封控",
        CountChangeReason = reason ?? "",
    };

    private async Task<IReadOnlyList<object>> EventsAsync(string incidentId, int count) =>
        await Eventually.Until(() => Task.FromResult(_bus.About(incidentId)), e => e.Count >= count, $"{count} events about {incidentId}");


    private async Task<int> IncidentCountAsync() => (await Analyst.ListIncidentsAsync(new ListIncidentsRequest { PageSize = 500 })).Incidents.Count;

    [Fact]
    public async Task A_general_incident_reported_on_time_then_closed()
    {
        var initial = await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial() });
        Assert.Equal("IV", initial.Incident.SeverityClass);
        Assert.False(initial.Report.Late);
        Assert.Equal(initial.Incident.OccurredAt.ToInstant() + Duration.FromHours(2), initial.Report.DueAt.ToInstant());

        await Reporter.SubmitFollowUpAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = initial.Incident.Id, Body = FollowUp(1) });
        var final = await Reporter.SubmitFinalAsync(new SubmitFollowUpRequest
        {
            RequestId = Id(), IncidentId = initial.Incident.Id, Body = new ReportBody { Totals = new IncidentCounts { Deaths = 1, SeriouslyInjured = 1 }, Account = "核报", SigningOfficial = "李局长" },
        });

        Assert.True(final.Incident.Closed);
        var events = await EventsAsync(initial.Incident.Id, 4);
        Assert.Equal(3, events.OfType<IncidentReported>().Count());
        Assert.Single(events.OfType<IncidentClosed>());
        Assert.Equal(final.Incident.ListVersion, events.OfType<IncidentReported>().First().ListVersion);
    }

    [Fact]
    public async Task A_larger_incident_that_becomes_major_escalates_and_tightens_the_cadence()
    {
        var initial = await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial(deaths: 3) });
        Assert.Equal("III", initial.Incident.SeverityClass);
        Assert.Equal(Now + Duration.FromHours(24), initial.Incident.NextReportDueAt.ToInstant());

        var followUp = await Reporter.SubmitFollowUpAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = initial.Incident.Id, Body = FollowUp(12) });

        Assert.Equal("II", followUp.Incident.SeverityClass);
        Assert.Equal(Now + Duration.FromHours(12), followUp.Incident.NextReportDueAt.ToInstant());
        var escalated = Assert.Single((await EventsAsync(initial.Incident.Id, 3)).OfType<IncidentEscalated>());
        Assert.Equal(("III", "II", false), (escalated.FromClass, escalated.ToClass, escalated.DirectToMunicipal));
    }

    [Fact]
    public async Task A_late_initial_report_is_flagged()
    {
        var receipt = await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial(ago: Duration.FromHours(3)) });

        Assert.True(receipt.Report.Late);
        var timeline = await Analyst.GetTimelineAsync(new GetIncidentRequest { IncidentId = receipt.Incident.Id });
        Assert.Contains(timeline.Steps, s => s.Note.Contains("迟报"));
        Assert.True(Assert.Single((await EventsAsync(receipt.Incident.Id, 1)).OfType<IncidentReported>()).Late);
    }

    [Fact]
    public async Task An_overdue_follow_up_is_detected_by_the_clock()
    {
        var receipt = await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial() });

        fixture.Clock.Advance(Duration.FromHours(25));

        var overdue = await Eventually.Until(
            async () => await Analyst.GetIncidentAsync(new GetIncidentRequest { IncidentId = receipt.Incident.Id }), i => i.Overdue, "the incident to be overdue");
        Assert.True(overdue.Overdue);
        Assert.Single((await EventsAsync(receipt.Incident.Id, 2)).OfType<ReportOverdue>());
        var listed = await Analyst.ListIncidentsAsync(new ListIncidentsRequest { OverdueOnly = true });
        Assert.Contains(listed.Incidents, i => i.Id == receipt.Incident.Id);

        var next = await Reporter.SubmitFollowUpAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = receipt.Incident.Id, Body = FollowUp(1) });
        Assert.False(next.Incident.Overdue);
        Assert.True(next.Report.Late);
    }

    [Fact]
    public async Task A_natural_disaster_reaching_ten_dead_or_missing_goes_straight_to_the_municipal_level()
    {
        var receipt = await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial(deaths: 6, category: "natural_disaster", missing: 4) });

        Assert.True(receipt.Incident.EscalatedToMunicipal);
        Assert.True(Assert.Single((await EventsAsync(receipt.Incident.Id, 2)).OfType<IncidentEscalated>()).DirectToMunicipal);
    }

    [Fact]
    public async Task A_correction_keeps_the_original_and_is_refused_once_the_window_closes()
    {
        var receipt = await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial(category: "road_traffic") });
        var corrected = Initial(deaths: 2, category: "road_traffic");

        var correction = await Reporter.CorrectReportAsync(new CorrectReportRequest { RequestId = Id(), IncidentId = receipt.Incident.Id, Sequence = 1, Body = corrected, Reason = "医院确认一人死亡" });

        Assert.Equal(1, correction.Report.Corrects);
        Assert.Equal(2, correction.Incident.Totals.Deaths);
        var timeline = await Analyst.GetTimelineAsync(new GetIncidentRequest { IncidentId = receipt.Incident.Id });
        Assert.Equal([1, 2], timeline.Reports.Select(r => r.Sequence));
        Assert.Equal(1, timeline.Reports[0].Body.Totals.Deaths);

        fixture.Clock.Advance(Duration.FromDays(8));
        var late = await Assert.ThrowsAsync<RpcException>(() => Reporter.CorrectReportAsync(
            new CorrectReportRequest { RequestId = Id(), IncidentId = receipt.Incident.Id, Sequence = 1, Body = corrected, Reason = "again" }).ResponseAsync);
        RpcAssert.Refused(late, StatusCode.FailedPrecondition, "CORRECTION_WINDOW_CLOSED");
    }

    [Fact]
    public async Task A_reporter_may_not_report_for_another_district()
    {
        var body = Initial();
        body.District = "310104";
        body.Location = null;
        int before = await IncidentCountAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = body }).ResponseAsync);

        RpcAssert.Refused(error, StatusCode.PermissionDenied, "DISTRICT_OUT_OF_SCOPE");
        Assert.Equal(before, await IncidentCountAsync());
    }

    [Fact]
    public async Task Missing_items_impossible_values_and_wrong_places_are_refused_together_and_nothing_is_written()
    {
        int before = await IncidentCountAsync();
        var body = Initial();
        body.ReportingUnit = "";
        body.Account = "";
        body.OccurredAt = (Now + Duration.FromHours(2)).ToTimestamp();
        body.Totals.Deaths = -1;
        body.Category = "meteor_strike";

        var error = await Assert.ThrowsAsync<RpcException>(() => Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = body }).ResponseAsync);

        RpcAssert.Refused(error, StatusCode.InvalidArgument, "REPORT_INVALID");
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "body.reporting_unit", "body.account", "body.occurred_at", "body.totals", "body.category" }, fields);
        Assert.Equal(before, await IncidentCountAsync());
    }

    [Theory]
    [InlineData(39.9, 116.4, "outside the city")]
    [InlineData(31.62, 121.40, "km from district")]
    public async Task A_location_outside_the_city_or_far_from_the_district_is_refused(double latitude, double longitude, string reason)
    {
        var body = Initial();
        body.Location = new GeoPoint { Latitude = latitude, Longitude = longitude };

        var error = await Assert.ThrowsAsync<RpcException>(() => Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = body }).ResponseAsync);

        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal("body.location", violation.Field);
        Assert.Contains(reason, violation.Description);
    }

    [Fact]
    public async Task Counts_may_not_fall_or_jump_without_a_reason()
    {
        var receipt = await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial(deaths: 2) });

        var fell = await Assert.ThrowsAsync<RpcException>(() => Reporter.SubmitFollowUpAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = receipt.Incident.Id, Body = FollowUp(1) }).ResponseAsync);
        var jumped = await Assert.ThrowsAsync<RpcException>(() => Reporter.SubmitFollowUpAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = receipt.Incident.Id, Body = FollowUp(40) }).ResponseAsync);
        var explained = await Reporter.SubmitFollowUpAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = receipt.Incident.Id, Body = FollowUp(1, reason: "重复统计一人，已核减") });

        Assert.Equal("body.totals.deaths", Assert.Single(fell.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Contains("jumped", Assert.Single(jumped.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Description);
        Assert.Equal(1, explained.Incident.Totals.Deaths);
        Assert.Equal(2, explained.Incident.Reports);
    }

    [Fact]
    public async Task Follow_ups_to_unknown_or_closed_incidents_are_refused()
    {
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Reporter.SubmitFollowUpAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = "i-nope", Body = FollowUp(1) }).ResponseAsync);
        var receipt = await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial() });
        await Reporter.SubmitFinalAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = receipt.Incident.Id, Body = new ReportBody { Totals = new IncidentCounts { Deaths = 1, SeriouslyInjured = 1 }, Account = "核报", SigningOfficial = "李局长" } });

        var closed = await Assert.ThrowsAsync<RpcException>(() => Reporter.SubmitFollowUpAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = receipt.Incident.Id, Body = FollowUp(1) }).ResponseAsync);
        var unsigned = await Assert.ThrowsAsync<RpcException>(() => Reporter.SubmitFinalAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = receipt.Incident.Id, Body = FollowUp(1) }).ResponseAsync);

        RpcAssert.Refused(unknown, StatusCode.NotFound, "INCIDENT_NOT_FOUND");
        RpcAssert.Refused(closed, StatusCode.FailedPrecondition, "INCIDENT_CLOSED");
        Assert.Contains("body.signing_official", unsigned.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
        Assert.Equal(2, (await Analyst.GetIncidentAsync(new GetIncidentRequest { IncidentId = receipt.Incident.Id })).Reports);
    }

    [Fact]
    public async Task A_repeated_submission_has_one_effect()
    {
        string initialId = Id();
        var first = await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = initialId, Body = Initial() });
        var again = await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = initialId, Body = Initial() });
        string followId = Id();
        var followUps = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Reporter.SubmitFollowUpAsync(new SubmitFollowUpRequest { RequestId = followId, IncidentId = first.Incident.Id, Body = FollowUp(1) }).ResponseAsync));

        Assert.Equal(first, again);
        Assert.Single(followUps.Distinct());
        Assert.Equal(2, (await Analyst.GetIncidentAsync(new GetIncidentRequest { IncidentId = first.Incident.Id })).Reports);
        await EventsAsync(first.Incident.Id, 2);
        Assert.Equal(2, _bus.Of<IncidentReported>(first.Incident.Id).Count);
    }

    [Fact]
    public async Task Reporters_see_only_their_own_district()
    {
        var receipt = await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial() });
        var list = await Reporter.ListIncidentsAsync(new ListIncidentsRequest { PageSize = 500 });

        Assert.All(list.Incidents, i => Assert.Equal("310101", i.District));
        Assert.Contains(list.Incidents, i => i.Id == receipt.Incident.Id);
        Assert.Equal("310101", (await Reporter.GetIncidentAsync(new GetIncidentRequest { IncidentId = receipt.Incident.Id })).District);
    }
}

public sealed class EmbeddedIncidentReportingTests(EmbeddedPlatformFixture fixture) : IncidentReportingTests<EmbeddedPlatformFixture>(fixture);

public sealed class RealIncidentReportingTests(RealPlatformFixture fixture) : IncidentReportingTests<RealPlatformFixture>(fixture);
