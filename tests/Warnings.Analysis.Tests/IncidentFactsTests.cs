using NodaTime;
using Warnings.Analysis.Projections;
using Warnings.Analysis.Queries;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Reporting.Domain;

namespace Warnings.Analysis.Tests;

/// <summary>
/// The incident projection reads a timeline the way the reporting module does (issue 17): figures
/// and class from the latest report, one escalation per class rise, corrections no expected reports.
/// </summary>
public sealed class IncidentFactsTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 7, 15, 8, 30); // 16:30 in Shanghai
    private static readonly Dictionary<string, string> Names = new() { ["310101"] = "黄浦区" };

    private static readonly ReportingRules Rules = new()
    {
        Categories = { new IncidentCategory { Code = "fire", Reportable = true, CorrectionWindowDays = 7 } },
        Deadlines =
        {
            new SeverityDeadline { SeverityClass = "II", InitialReportMinutes = 30, FollowUpEveryHours = 12 },
            new SeverityDeadline { SeverityClass = "III", InitialReportMinutes = 60, FollowUpEveryHours = 24 },
        },
    };

    private static ReportContext At(Duration after) => new("reporter", T0 + after, Rules, 1, 5);

    private static ReportBody Body(int deaths, string address = "", string signedBy = "", string countChangeReason = "") => new()
    {
        Category = "fire", District = "310101", OccurredAt = T0.ToTimestamp(), Address = address, ReportingUnit = "黄浦区应急管理局", Reporter = "王值班",
        Totals = new IncidentCounts { Deaths = deaths }, Account = "报告", SigningOfficial = signedBy, CountChangeReason = countChangeReason,
    };

    /// <summary>The tester's incident: 3 dead (III), 12 (II), the initial report's address corrected, final 12, 核报 11.</summary>
    private static IncidentTimeline TestersFire()
    {
        var (fire, _) = IncidentLifeCycle.Open("i-fire", Body(3, address: "中山东一路 1 号"), At(Duration.FromMinutes(20)));
        fire.Submit(ReportKind.FollowUp, Body(12), At(Duration.FromHours(5)));
        fire.Correct(1, Body(3, address: "中山东一路 3 号"), "门牌号写错", At(Duration.FromHours(6)));
        fire.Submit(ReportKind.Final, Body(12, signedBy: "李局长"), At(Duration.FromDays(2)));
        fire.Correct(4, Body(11, signedBy: "李局长", countChangeReason: "一名遇难者被重复统计"), "核报", At(Duration.FromDays(3)));
        return fire.Timeline;
    }

    [Fact]
    public void Figures_and_class_come_from_the_latest_report_as_corrected()
    {
        var facts = IncidentFacts.From(TestersFire());

        Assert.Equal(("II", 11, true), (facts.SeverityClass, facts.Deaths, facts.Closed));
        Assert.Equal("中山东一路 3 号", facts.Address);
        var escalation = Assert.Single(facts.Escalations);
        Assert.Equal((2, "III", "II"), (escalation.Sequence, escalation.FromClass, escalation.ToClass));
    }

    [Fact]
    public void A_timeline_stored_before_the_fix_is_read_by_the_same_rules()
    {
        // As the old handler stored it: the correction of report 1 set the incident back to 3 dead
        // (III), so the final report "escalated" a second time.
        IncidentReport Report(int sequence, ReportKind kind, int deaths, string severity, int corrects = 0) => new()
        {
            Sequence = sequence, Kind = kind, Body = Body(deaths, address: sequence == 3 ? "中山东一路 3 号" : ""), SeverityClass = severity, Corrects = corrects,
            ReceivedAt = (T0 + Duration.FromHours(sequence)).ToTimestamp(), DueAt = (T0 + Duration.FromHours(sequence)).ToTimestamp(),
        };
        var stored = new IncidentTimeline
        {
            Incident = new Incident { Id = "i-old", District = "310101", Category = "fire", OccurredAt = T0.ToTimestamp(), SeverityClass = "II", Totals = new IncidentCounts { Deaths = 12 }, Closed = true, Revision = 4 },
            Reports =
            {
                Report(1, ReportKind.Initial, 3, "III"), Report(2, ReportKind.FollowUp, 12, "II"),
                Report(3, ReportKind.Initial, 3, "III", corrects: 1), Report(4, ReportKind.Final, 12, "II"),
            },
        };

        var facts = IncidentFacts.From(stored);

        Assert.Equal(("II", 12), (facts.SeverityClass, facts.Deaths));
        Assert.Single(facts.Escalations);
        Assert.Equal("中山东一路 3 号", facts.Address);
        Assert.Equal(4, stored.Reports.Count); // the stored document is read, not changed
    }

    [Fact]
    public void The_queries_count_one_escalation_current_figures_and_no_corrections_as_expected_reports()
    {
        var facts = IncidentFacts.From(TestersFire());
        var from = T0 - Duration.FromDays(1);
        var to = T0 + Duration.FromDays(10);

        var open = IncidentViews.Open([facts], from, to);
        var statistics = Statistics.Compute([facts], from, to, StatisticsPeriod.Month);
        var timeliness = Timeliness.Compute([facts], from, to, to, "", Names);

        Assert.Empty(open.Incidents);
        Assert.Equal([("III", "II")], open.Escalations.Select(e => (e.FromClass, e.ToClass)));
        Assert.Equal(1, open.EscalationsByDay.Single().Count);
        Assert.Equal((1, 11), (statistics.Total.Incidents, statistics.Total.Deaths));
        Assert.Equal((3, 2, 1), (timeliness.City.Expected, timeliness.City.OnTime, timeliness.City.Late)); // the final report came after the 12 h cadence of class II
    }
}
