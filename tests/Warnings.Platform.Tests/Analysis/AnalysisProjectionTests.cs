using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Warnings.Analysis.Projections;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Analysis;

/// <summary>
/// The analysis projections on real RabbitMQ and Redis, fed by reports submitted through gRPC on a
/// FakeClock: the timeliness numbers equal a hand-computed fixture, and rebuilding the projections
/// from the stored documents gives the same answers as live consumption.
/// </summary>
public sealed class AnalysisProjectionTests(AnalysisScenario scenario) : IClassFixture<AnalysisScenario>
{
    private static readonly Instant T0 = PlatformFixture.Now;
    private readonly RealPlatformFixture fixture = scenario.Fixture;
    private readonly string _a = scenario.A, _b = scenario.B;

    private AnalysisService.AnalysisServiceClient Analyst => fixture.Platform.Client(c => new AnalysisService.AnalysisServiceClient(c), Roles.Analyst);

    private static string Id() => $"r-{Guid.NewGuid():N}";

    private Task<TimelinessReport> TimelinessAsync() =>
        Analyst.GetTimelinessAsync(new TimelinessRequest { From = (T0 - Duration.FromDays(1)).ToTimestamp(), To = (T0 + Duration.FromDays(2)).ToTimestamp() }).ResponseAsync;

    [Fact]
    public async Task Timeliness_matches_the_hand_computed_fixture()
    {
        // Now T0+25h. 310101: A initial (on time), A follow-up (due T0+24h, came T0+25h: late), C initial and final (on time).
        // 310104: B initial (due T0-1h, came T0: late); B's follow-up due T0+24h is missing: overdue.
        var report = await Eventually.Until(TimelinessAsync, r => r.City.Expected == 6 && r.City.Overdue == 1, "all reports in the projection");

        var huangpu = report.Districts.Single(d => d.District == "310101");
        Assert.Equal((4, 4, 3, 1, 0, 0.75), (huangpu.Expected, huangpu.Received, huangpu.OnTime, huangpu.Late, huangpu.Overdue, huangpu.OnTimeRate));
        Assert.Equal("黄浦区", huangpu.Name);
        var xuhui = report.Districts.Single(d => d.District == "310104");
        Assert.Equal((2, 1, 0, 1, 1, 0.0), (xuhui.Expected, xuhui.Received, xuhui.OnTime, xuhui.Late, xuhui.Overdue, xuhui.OnTimeRate));
        Assert.Equal((6, 5, 3, 2, 1, 0.5), (report.City.Expected, report.City.Received, report.City.OnTime, report.City.Late, report.City.Overdue, report.City.OnTimeRate));
        Assert.Equal(16, report.Districts.Count); // every district, quiet ones with nothing due
        Assert.Equal([(_b, 1, 60L), (_a, 2, 60L)], report.LateReports.Select(l => (l.IncidentId, l.Sequence, l.MinutesLate)));
        var overdue = Assert.Single(report.OverdueReports);
        Assert.Equal((_b, 60L), (overdue.IncidentId, overdue.MinutesOverdue));

        var completeness = await Analyst.GetCompletenessAsync(new CompletenessRequest());
        Assert.Equal([(_b, "follow_up_missing")], completeness.Gaps.Select(g => (g.IncidentId, g.Gap)));
        var open = await Analyst.GetOpenIncidentsAsync(new OpenIncidentsRequest());
        Assert.Equal(new[] { _a, _b }.Order(), open.Incidents.Select(i => i.IncidentId).Order());
        Assert.Equal(2, open.BySeverity.Single(s => s.SeverityClass == "IV").Open);
    }

    [Fact]
    public async Task A_rebuild_from_the_stored_documents_gives_the_same_answers_as_live_consumption()
    {
        await Eventually.Until(TimelinessAsync, r => r.City.Expected == 6 && r.City.Overdue == 1, "all reports in the projection");
        var officer = fixture.Platform.Client(c => new WarningService.WarningServiceClient(c), Roles.DutyOfficer);
        var now = fixture.Clock.GetCurrentInstant();
        var draft = await officer.CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = Id(),
            Content = new WarningContent
            {
                Hazard = "rainstorm", Level = "orange", Districts = { "310104" }, Channels = { "website" },
                OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(6)).ToTimestamp(),
                Texts = { new WarningText { Language = "zh-CN", Headline = "暴雨橙色预警" } },
            },
        });
        await officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = draft.Id });
        await Eventually.Until(async () => await Analyst.GetActiveWarningsMapAsync(new ActiveWarningsMapRequest()), m => m.Warnings.Any(w => w.WarningId == draft.Id), "the warning projected");

        // Live consumption has caught up once the overdue scan's flag on B is in the projection too.
        await Eventually.Until(async () => await Analyst.GetOpenIncidentsAsync(new OpenIncidentsRequest()), o => o.Incidents.Any(i => i.IncidentId == _b && i.Overdue), "B flagged overdue");
        var live = await AnswersAsync();
        var store = fixture.Platform.Services.GetRequiredService<IStateStore>();
        foreach (var area in new[] { ProjectionStore.IncidentArea, ProjectionStore.WarningArea })
        {
            foreach (var id in (await store.HashGetAllAsync(new StoreKey($"{area}-index", "all"))).Keys)
            {
                await store.DeleteAsync(new StoreKey(area, id));
            }
        }

        Assert.Empty((await Analyst.GetOpenIncidentsAsync(new OpenIncidentsRequest())).Incidents);
        var operatorClient = fixture.Platform.Client(c => new AnalysisService.AnalysisServiceClient(c), Roles.Operator);
        var rebuilt = await operatorClient.RebuildProjectionsAsync(new RebuildProjectionsRequest { RequestId = Id() });

        Assert.True(rebuilt.Incidents >= 3);
        Assert.True(rebuilt.Warnings >= 1);
        Assert.Equal(live, await AnswersAsync());

        // Live events list a record only when they create it; a rebuild lists every record again,
        // so one whose index entry was lost (a partial restore, a hand edit) comes back too.
        foreach (var area in new[] { ProjectionStore.IncidentArea, ProjectionStore.WarningArea })
        {
            await store.DeleteAsync(new StoreKey($"{area}-index", "all"));
        }

        Assert.Empty((await Analyst.GetOpenIncidentsAsync(new OpenIncidentsRequest())).Incidents);
        await operatorClient.RebuildProjectionsAsync(new RebuildProjectionsRequest { RequestId = Id() });
        Assert.Equal(live, await AnswersAsync());
    }

    private async Task<IReadOnlyList<IMessage>> AnswersAsync() =>
    [
        await TimelinessAsync(),
        await Analyst.GetCompletenessAsync(new CompletenessRequest()),
        await Analyst.GetOpenIncidentsAsync(new OpenIncidentsRequest { From = (T0 - Duration.FromDays(1)).ToTimestamp(), To = (T0 + Duration.FromDays(2)).ToTimestamp() }),
        await Analyst.GetStatisticsAsync(new StatisticsRequest { From = (T0 - Duration.FromDays(10)).ToTimestamp(), To = (T0 + Duration.FromDays(2)).ToTimestamp(), Period = StatisticsPeriod.Day }),
        await Analyst.GetActiveWarningsMapAsync(new ActiveWarningsMapRequest()),
        await Analyst.GetRiskPictureAsync(new RiskPictureRequest()),
    ];
}

/// <summary>
/// One platform and one set of reports for the analysis tests, submitted on the FakeClock from T0:
/// A (310101, class IV: initial due 2 h after, follow-ups every 24 h): initial on time, follow-up an hour late.
/// B (310104, class IV): initial an hour late, then nothing (overdue by the time the tests look, T0+25h).
/// C (310101, class III: initial due 1 h after): initial on time, final on time; closed.
/// </summary>
public sealed class AnalysisScenario : IAsyncLifetime
{
    private static readonly Instant T0 = PlatformFixture.Now;

    /// <summary>A reporter for the whole city (so one client reports for every district).</summary>
    private IncidentReportService.IncidentReportServiceClient Reporter => new(Fixture.Platform.WithAuthorization(
        $"Bearer {TestIdentities.MintJwt("city.reporter", [Roles.DistrictReporter], DateTime.UtcNow.AddHours(1), district: "310000")}"));

    private static ReportBody Initial(string district, string category, Instant occurredAt, int deaths) => new()
    {
        Category = category, District = district, OccurredAt = occurredAt.ToTimestamp(), Address = "测试地址", ReportingUnit = "区应急管理局", Reporter = "值班员",
        Location = district == "310101" ? new GeoPoint { Latitude = 31.2304, Longitude = 121.4737 } : new GeoPoint { Latitude = 31.1880, Longitude = 121.4365 },
        Totals = new IncidentCounts { Deaths = deaths }, Account = "初报",
    };

    private static ReportBody Later(int deaths, string account) => new() { Totals = new IncidentCounts { Deaths = deaths }, Account = account, SigningOfficial = "局长" };

    private static string Id() => $"r-{Guid.NewGuid():N}";

    public RealPlatformFixture Fixture { get; } = new();

    public string A { get; private set; } = "";

    public string B { get; private set; } = "";

    public string C { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Fixture.InitializeAsync();

        A = (await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial("310101", "road_traffic", T0 - Duration.FromMinutes(30), 1) })).Incident.Id;
        B = (await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial("310104", "fire", T0 - Duration.FromHours(3), 0) })).Incident.Id;
        C = (await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial("310101", "production_safety", T0, 3) })).Incident.Id;
        Fixture.Clock.Advance(Duration.FromHours(2));
        await Reporter.SubmitFinalAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = C, Body = Later(3, "终报") });
        Fixture.Clock.Advance(Duration.FromHours(23));
        await Reporter.SubmitFollowUpAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = A, Body = Later(1, "续报") });
    }

    public Task DisposeAsync() => Fixture.DisposeAsync();

}
