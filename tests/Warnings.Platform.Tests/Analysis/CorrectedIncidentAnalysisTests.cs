using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Duration = NodaTime.Duration;
using Warnings.Analysis.Projections;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Analysis;

/// <summary>
/// The analysis of a corrected incident (issue 17), on a platform of its own: the tester's fire (3
/// dead, 12, the initial report's address corrected, final, 核报 11) counts one escalation, its
/// current figures in the statistics, no correction as an expected report; and a rebuild of the
/// projections from the stored documents gives the same answers as live consumption.
/// </summary>
public abstract class CorrectedIncidentAnalysisTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : PlatformFixture
{
    private static readonly Instant T0 = PlatformFixture.Now;

    private IncidentReportService.IncidentReportServiceClient Reporter => fixture.Platform.Client(c => new IncidentReportService.IncidentReportServiceClient(c), Roles.DistrictReporter);

    private AnalysisService.AnalysisServiceClient Analyst => fixture.Platform.Client(c => new AnalysisService.AnalysisServiceClient(c), Roles.Analyst);

    private static string Id() => $"r-{Guid.NewGuid():N}";

    private static ReportBody Body(int deaths, string address = "", string signedBy = "", string countChangeReason = "") => new()
    {
        Category = "fire", District = "310101", OccurredAt = (T0 - Duration.FromMinutes(20)).ToTimestamp(), Address = address, ReportingUnit = "黄浦区消防救援支队",
        Reporter = "王值班", Location = new GeoPoint { Latitude = 31.2304, Longitude = 121.4737 }, Totals = new IncidentCounts { Deaths = deaths }, Account = "报告",
        SigningOfficial = signedBy, CountChangeReason = countChangeReason,
    };

    [Fact]
    public async Task The_corrected_fire_is_analysed_by_the_reporting_rules_and_a_rebuild_agrees()
    {
        string id = (await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Body(3, "中山东一路 1 号") })).Incident.Id;
        fixture.Clock.Advance(Duration.FromHours(4));
        await Reporter.SubmitFollowUpAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = id, Body = Body(12) });
        await Reporter.CorrectReportAsync(new CorrectReportRequest { RequestId = Id(), IncidentId = id, Sequence = 1, Body = Body(3, "中山东一路 3 号"), Reason = "门牌号写错" });
        fixture.Clock.Advance(Duration.FromHours(4));
        var final = await Reporter.SubmitFinalAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = id, Body = Body(12, signedBy: "李局长") });
        await Reporter.CorrectReportAsync(new CorrectReportRequest
        {
            RequestId = Id(), IncidentId = id, Sequence = final.Report.Sequence, Body = Body(11, signedBy: "李局长", countChangeReason: "一名遇难者被重复统计"), Reason = "核报",
        });

        await Eventually.Until(AnswersAsync, a => ((StatisticsReport)a[3]).Total.Deaths == 11, "the 核报 in the projection");
        // Read again once the projection has it: the four answers of the wait are read one after the
        // other, and the first record may have landed between them.
        var live = await AnswersAsync();

        var open = (OpenIncidentsReport)live[2];
        Assert.Empty(open.Incidents);
        Assert.Equal([(id, "III", "II")], open.Escalations.Select(e => (e.IncidentId, e.FromClass, e.ToClass)));
        Assert.Equal(1, Assert.Single(open.EscalationsByDay).Count);
        var timeliness = (TimelinessReport)live[0];
        Assert.Equal((3, 3, 0), (timeliness.City.Expected, timeliness.City.OnTime, timeliness.City.Late));
        Assert.Empty(((CompletenessReport)live[1]).Gaps);
        var statistics = (StatisticsReport)live[3];
        Assert.Equal((1, 11), (statistics.Total.Incidents, statistics.Total.Deaths));

        var store = fixture.Platform.Services.GetRequiredService<IStateStore>();
        foreach (var key in (await store.HashGetAllAsync(new StoreKey($"{ProjectionStore.IncidentArea}-index", "all"))).Keys)
        {
            await store.DeleteAsync(new StoreKey(ProjectionStore.IncidentArea, key));
        }

        Assert.Empty((await Analyst.GetOpenIncidentsAsync(new OpenIncidentsRequest { From = From, To = To })).Escalations);
        var operatorClient = fixture.Platform.Client(c => new AnalysisService.AnalysisServiceClient(c), Roles.Operator);
        await operatorClient.RebuildProjectionsAsync(new RebuildProjectionsRequest { RequestId = Id() });

        Assert.Equal(live, await AnswersAsync());
    }

    private static readonly Timestamp From = (T0 - Duration.FromDays(1)).ToTimestamp();

    private static readonly Timestamp To = (T0 + Duration.FromDays(2)).ToTimestamp();

    private async Task<IReadOnlyList<IMessage>> AnswersAsync() =>
    [
        await Analyst.GetTimelinessAsync(new TimelinessRequest { From = From, To = To }),
        await Analyst.GetCompletenessAsync(new CompletenessRequest()),
        await Analyst.GetOpenIncidentsAsync(new OpenIncidentsRequest { From = From, To = To }),
        await Analyst.GetStatisticsAsync(new StatisticsRequest { From = From, To = To, Period = StatisticsPeriod.Day }),
    ];
}

public sealed class EmbeddedCorrectedIncidentAnalysisTests(EmbeddedPlatformFixture fixture) : CorrectedIncidentAnalysisTests<EmbeddedPlatformFixture>(fixture);

public sealed class RealCorrectedIncidentAnalysisTests(RealPlatformFixture fixture) : CorrectedIncidentAnalysisTests<RealPlatformFixture>(fixture);
