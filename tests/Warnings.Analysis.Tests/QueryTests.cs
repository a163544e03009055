using NodaTime;
using Warnings.Analysis;
using Warnings.Analysis.Projections;
using Warnings.Analysis.Queries;
using Warnings.Contracts.V1;

namespace Warnings.Analysis.Tests;

/// <summary>The analysis queries are pure functions of the projections: checked here on hand-made records.</summary>
public sealed class QueryTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 7, 15, 2, 0); // 10:00 in Shanghai
    private static readonly Dictionary<string, string> Names = new() { ["310101"] = "黄浦区", ["310104"] = "徐汇区", ["310115"] = "浦东新区" };

    private static IncidentFacts Incident(string id, string district = "310101", string category = "fire", Instant? occurred = null, string severity = "IV", bool closed = false,
        Instant? nextDue = null, int deaths = 0, long loss = 0, string enterprise = "", double? lat = null, double? lon = null, params ReportFact[] reports) =>
        new(id, district, category, severity, occurred ?? T0, closed, false, nextDue, false, deaths, 0, 0, loss, "", enterprise, lat, lon, reports, [], 1);

    private static ReportFact Report(int sequence, Instant due, Instant received, int corrects = 0) =>
        new(sequence, sequence == 1 ? "Initial" : "FollowUp", received, due, received > due, corrects, "IV");

    [Fact]
    public void Corrections_are_not_expected_reports_and_dues_outside_the_period_do_not_count()
    {
        var incident = Incident("i-1", nextDue: T0 + Duration.FromDays(5), reports:
        [
            Report(1, T0, T0 - Duration.FromMinutes(5)),
            Report(2, T0, T0 + Duration.FromHours(1), corrects: 1),
            Report(3, T0 - Duration.FromDays(3), T0 - Duration.FromDays(3)),
        ]);

        var report = Timeliness.Compute([incident], T0 - Duration.FromDays(1), T0 + Duration.FromDays(1), T0 + Duration.FromDays(2), "", Names);

        Assert.Equal((1, 1, 1, 0, 0), (report.City.Expected, report.City.Received, report.City.OnTime, report.City.Late, report.City.Overdue));
        Assert.Equal(1.0, report.Districts.Single(d => d.District == "310104").OnTimeRate); // nothing due: nothing late
    }

    [Fact]
    public void Statistics_compare_each_row_with_the_same_period_a_year_earlier()
    {
        var thisYear = Incident("i-1", occurred: T0, deaths: 2, loss: 1_000_000);
        var alsoThisYear = Incident("i-2", occurred: T0 + Duration.FromDays(1), deaths: 1);
        var lastYear = Incident("i-3", occurred: Instant.FromUtc(2025, 7, 20, 2, 0), deaths: 5);
        var tooEarly = Incident("i-4", occurred: Instant.FromUtc(2025, 6, 1, 2, 0), deaths: 9);
        var from = Instant.FromUtc(2026, 6, 30, 16, 0); // 1 July, Shanghai
        var to = Instant.FromUtc(2026, 7, 31, 16, 0);   // 1 August, Shanghai

        var stats = Statistics.Compute([thisYear, alsoThisYear, lastYear, tooEarly], from, to, StatisticsPeriod.Month);

        var row = Assert.Single(stats.Rows);
        Assert.Equal(("310101", "fire", "2026-07"), (row.District, row.Category, row.Period));
        Assert.Equal((2, 3, 1_000_000L), (row.Values.Incidents, row.Values.Deaths, row.Values.DirectLossYuan));
        Assert.Equal((1, 5), (row.YearEarlier.Incidents, row.YearEarlier.Deaths));
        Assert.Equal(5, stats.TotalYearEarlier.Deaths);
    }

    [Fact]
    public void Local_days_are_Shanghai_days()
    {
        var lateEvening = Incident("i-1", occurred: Instant.FromUtc(2026, 7, 15, 17, 0)); // 01:00 on the 16th in Shanghai
        var stats = Statistics.Compute([lateEvening], T0 - Duration.FromDays(1), T0 + Duration.FromDays(3), StatisticsPeriod.Day);
        Assert.Equal("2026-07-16", Assert.Single(stats.Rows).Period);
    }

    [Fact]
    public void The_same_enterprise_pairs_incidents_whatever_their_place_and_time()
    {
        var a = Incident("i-a", category: "production_safety", enterprise: "甲化工 有限公司", occurred: T0 - Duration.FromDays(20));
        var b = Incident("i-b", category: "fire", enterprise: "甲化工有限公司", occurred: T0);
        var c = Incident("i-c", category: "fire", enterprise: "乙公司", occurred: T0, lat: 31.2, lon: 121.4);

        var pair = Assert.Single(RelatedIncidents.Find([c, b, a], 2, 24).Pairs);
        Assert.Equal(("i-a", "i-b", "same_enterprise"), (pair.IncidentA, pair.IncidentB, pair.Reason));
    }

    [Fact]
    public void A_city_wide_warning_covers_every_district_and_the_highest_level_wins()
    {
        WarningFacts Warning(string id, string level, string hazard, params string[] districts) =>
            new(id, "SMB", hazard, level, districts, "headline", 1, false, T0 - Duration.FromHours(1), T0 + Duration.FromHours(5), 1);

        var map = SituationMap.Warnings(
        [
            Warning("w-1", "yellow", "rainstorm", "310000"),
            Warning("w-2", "red", "rainstorm", "310115"),
            Warning("w-3", "blue", "gale", "310101"),
            Warning("w-4", "red", "typhoon", "310104") with { Ended = true },
            Warning("w-5", "red", "typhoon", "310104") with { ExpiresAt = T0 },
        ], T0, Names);

        Assert.Equal(["yellow", "yellow", "red"], map.Districts.Select(d => d.HighestLevel));
        Assert.Equal([("gale", "blue"), ("rainstorm", "yellow")], map.Districts[0].Hazards.Select(h => (h.Hazard, h.Level)));
        Assert.Equal(3, map.Warnings.Count);
    }

    [Theory]
    [InlineData("", "", "blue", 1)]
    [InlineData("red", "", "yellow", 5)]
    [InlineData("yellow", "III", "yellow", 9)]
    [InlineData("orange", "III", "orange", 12)]
    [InlineData("red", "III", "orange", 15)]
    [InlineData("orange", "II", "orange", 16)]
    [InlineData("red", "II", "red", 20)]
    [InlineData("red", "I", "red", 25)]
    public void Risk_is_likelihood_times_severity_in_the_default_bands(string level, string incidentClass, string colour, int score)
    {
        var warnings = new ActiveWarningsMap { Districts = { new DistrictWarnings { District = "310101", Name = "黄浦区", HighestLevel = level } } };
        var incidents = incidentClass.Length > 0 ? [Incident("i-1", severity: incidentClass), Incident("i-2", severity: "IV", closed: true)] : new List<IncidentFacts>();

        var risk = Assert.Single(SituationMap.Risk(warnings, incidents, new RiskOptions()).Districts);

        Assert.Equal((colour, score), (risk.Colour, risk.Score));
    }

    [Fact]
    public void Completeness_flags_missing_follow_ups_and_incidents_open_past_their_correction_window()
    {
        var overdue = Incident("i-1", nextDue: T0 - Duration.FromHours(1));
        var stale = Incident("i-2", category: "road_traffic", occurred: T0 - Duration.FromDays(8), nextDue: T0 + Duration.FromHours(1));
        var fine = Incident("i-3", occurred: T0 - Duration.FromDays(8), nextDue: T0 + Duration.FromHours(1));
        var closed = Incident("i-4", closed: true, nextDue: T0 - Duration.FromDays(1));

        var gaps = IncidentViews.Completeness([overdue, stale, fine, closed], T0, category => category == "road_traffic" ? 7 : 30).Gaps;

        Assert.Equal([("i-1", "follow_up_missing"), ("i-2", "final_report_missing")], gaps.Select(g => (g.IncidentId, g.Gap)).OrderBy(g => g.IncidentId));
    }
}
