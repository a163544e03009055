using Google.Rpc;
using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Reporting.Domain;
using static Warnings.Reporting.Tests.IncidentBuilders;

namespace Warnings.Reporting.Tests;

/// <summary>
/// The incident life cycle on its own (issue 17): the incident's figures and class come from its
/// latest report; a correction of an earlier report changes that report only; one escalation per
/// class rise; corrections of any report, the final one included, within the category's window.
/// </summary>
public sealed class IncidentLifeCycleTests
{
    private static readonly Instant Hour1 = T0 + Duration.FromHours(1);
    private static readonly Instant Hour5 = T0 + Duration.FromHours(5);
    private static readonly Instant Hour9 = T0 + Duration.FromHours(9);
    private static readonly Instant Day2 = T0 + Duration.FromDays(2);

    [Fact]
    public void Correcting_an_earlier_report_changes_that_report_only()
    {
        var fire = Fire(deaths: 3);
        fire.Submit(ReportKind.FollowUp, FollowUp(Counts(12)), At(Hour5));

        var outcome = fire.Correct(1, Initial(Counts(3), address: "中山东一路 3 号"), "门牌号写错", At(Hour9));

        Assert.Equal((12, "II", "II"), (fire.Incident.Totals.Deaths, fire.Incident.SeverityClass, fire.Incident.HighestSeverityClass));
        Assert.Equal("中山东一路 3 号", fire.History.Content(1).Body.Address);
        Assert.Equal((3, 1, "III"), (outcome.Report.Sequence, outcome.Report.Corrects, outcome.Report.SeverityClass));
        var corrected = Assert.IsType<IncidentReportCorrected>(Assert.Single(outcome.Events));
        Assert.Equal((1, 3, false, "II", 12), (corrected.Corrects, corrected.ReportTotals.Deaths, corrected.ChangedCurrent, corrected.SeverityClass, corrected.Totals.Deaths));
    }

    [Fact]
    public void The_final_report_after_such_a_correction_does_not_escalate_again()
    {
        var fire = Fire(deaths: 3);
        var followUp = fire.Submit(ReportKind.FollowUp, FollowUp(Counts(12)), At(Hour5));
        fire.Correct(1, Initial(Counts(3), address: "中山东一路 3 号"), "门牌号写错", At(Hour9));

        var final = fire.Submit(ReportKind.Final, Final(Counts(12)), At(Day2));

        var escalated = Assert.Single(followUp.Events.OfType<IncidentEscalated>());
        Assert.Equal(("III", "II"), (escalated.FromClass, escalated.ToClass));
        Assert.Empty(final.Events.OfType<IncidentEscalated>());
        Assert.Single(final.Events.OfType<IncidentClosed>());
        Assert.Single(fire.History.Escalations);
        Assert.Equal((true, Day2), (fire.Incident.Closed, fire.Incident.ClosedAt.ToInstant()));
    }

    [Fact]
    public void An_incident_escalates_once_per_class_above_the_highest_it_had()
    {
        var fire = Fire(deaths: 3);
        fire.Submit(ReportKind.FollowUp, FollowUp(Counts(12)), At(Hour1));                        // III -> II
        fire.Correct(2, FollowUp(Counts(9), "一人重复统计"), "核减", At(Hour5));                        // back to III
        var again = fire.Submit(ReportKind.FollowUp, FollowUp(Counts(12)), At(Hour9));           // II again: not a new rise
        var worse = fire.Submit(ReportKind.FollowUp, FollowUp(Counts(30), "坍塌"), At(Day2));     // II -> I

        Assert.Empty(again.Events.OfType<IncidentEscalated>());
        var rise = Assert.Single(worse.Events.OfType<IncidentEscalated>());
        Assert.Equal(("II", "I"), (rise.FromClass, rise.ToClass));
        Assert.Equal([("III", "II"), ("II", "I")], fire.History.Escalations.Select(e => (e.FromClass, e.ToClass)));
    }

    [Fact]
    public void A_correction_of_the_latest_report_sets_the_figures_and_may_escalate()
    {
        var fire = Fire(deaths: 3);

        var outcome = fire.Correct(1, Initial(Counts(10)), "医院确认", At(Hour1));

        Assert.Equal((10, "II"), (fire.Incident.Totals.Deaths, fire.Incident.SeverityClass));
        Assert.True(outcome.Events.OfType<IncidentReportCorrected>().Single().ChangedCurrent);
        Assert.Equal(("III", "II"), outcome.Events.OfType<IncidentEscalated>().Select(e => (e.FromClass, e.ToClass)).Single());
    }

    [Fact]
    public void The_final_report_may_be_corrected_within_the_window_and_not_after()
    {
        var fire = Fire(deaths: 3);
        fire.Submit(ReportKind.FollowUp, FollowUp(Counts(12)), At(Hour5));
        fire.Submit(ReportKind.Final, Final(Counts(12)), At(Day2));
        var windowEnds = T0 + Duration.FromDays(7);

        // 11 after the follow-up's 12: a cumulative count falls, so the body says why, as any report would.
        var verified = fire.Correct(3, Final(Counts(11), "一名遇难者被重复统计"), "核报", At(windowEnds));

        Assert.Equal((11, "II", true), (fire.Incident.Totals.Deaths, fire.Incident.SeverityClass, fire.Incident.Closed));
        Assert.Equal(ReportKind.Final, verified.Report.Kind);
        Assert.Equal(windowEnds, fire.Incident.CorrectionsUntil.ToInstant());
        var late = Refused(() => fire.Correct(3, Final(Counts(11), "一名遇难者被重复统计"), "核报", At(windowEnds + Duration.FromSeconds(1))),
            StatusCode.FailedPrecondition, ReportingReasons.CorrectionWindowClosed);
        var info = late.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal(("7", "2026-07-22T08:30:00Z", "2026-07-22 16:30"), (info.Metadata["window_days"], info.Metadata["window_ends_at"], info.Metadata["window_ends_local"]));
        Assert.Equal(4, fire.Timeline.Reports.Count);
    }

    [Fact]
    public void A_correction_is_checked_like_the_report_it_replaces()
    {
        var fire = Fire(deaths: 3);
        fire.Submit(ReportKind.FollowUp, FollowUp(Counts(5)), At(Hour1));
        fire.Submit(ReportKind.Final, Final(Counts(12)), At(Hour5));

        var fell = Refused(() => fire.Correct(3, Final(Counts(4)), "核报", At(Day2)), StatusCode.InvalidArgument, ReportingReasons.ReportInvalid);
        var unsigned = Refused(() => fire.Correct(3, FollowUp(Counts(12)), "核报", At(Day2)), StatusCode.InvalidArgument, ReportingReasons.ReportInvalid);

        Assert.Equal(["body.totals.deaths"], Fields(fell));
        Assert.Contains("fell from 5 to 4", fell.Status.Detail);
        Assert.Contains("body.signing_official", Fields(unsigned));
        Assert.Equal(3, fire.Timeline.Reports.Count);
    }

    [Fact]
    public void A_correction_that_contradicts_a_later_report_needs_a_reason()
    {
        var fire = Fire(deaths: 3);
        fire.Submit(ReportKind.FollowUp, FollowUp(Counts(5)), At(Hour5));
        var body = Initial(Counts(8));

        var error = Refused(() => fire.Correct(1, body, "补报", At(Hour9)), StatusCode.InvalidArgument, ReportingReasons.ReportInvalid);
        body.CountChangeReason = "三人当时计入失踪，续报前已核实为其他事故";
        fire.Correct(1, body, "补报", At(Hour9));

        Assert.Contains("report 2 gives 5, less than the corrected 8", error.Status.Detail);
        Assert.Equal((8, 5, "III"), (fire.History.Content(1).Body.Totals.Deaths, fire.Incident.Totals.Deaths, fire.Incident.SeverityClass));
    }

    [Fact]
    public void Trapped_and_missing_fall_freely_but_may_not_jump_and_deaths_may_not_fall()
    {
        var fire = Fire(deaths: 2, trapped: 4, missing: 2);

        fire.Submit(ReportKind.FollowUp, FollowUp(Counts(2, trapped: 0, missing: 0)), At(Hour1));
        var jumped = Refused(() => fire.Submit(ReportKind.FollowUp, FollowUp(Counts(2, trapped: 20)), At(Hour5)), StatusCode.InvalidArgument, ReportingReasons.ReportInvalid);
        var fell = Refused(() => fire.Submit(ReportKind.FollowUp, FollowUp(Counts(1)), At(Hour5)), StatusCode.InvalidArgument, ReportingReasons.ReportInvalid);

        Assert.Equal((0, 0), (fire.Incident.Totals.Trapped, fire.Incident.Totals.Missing));
        Assert.Equal(["body.totals.trapped"], Fields(jumped));
        Assert.Equal(["body.totals.deaths"], Fields(fell));
    }

    [Fact]
    public void A_correction_names_a_report_of_the_incident()
    {
        var fire = Fire(deaths: 3);
        fire.Correct(1, Initial(Counts(4)), "补报", At(Hour1));

        Refused(() => fire.Correct(7, Initial(Counts(4)), "补报", At(Hour5)), StatusCode.NotFound, ReportingReasons.ReportNotFound);
        var again = fire.Correct(2, Initial(Counts(5)), "再次补报", At(Hour5)); // naming a correction corrects what it corrected

        Assert.Equal((1, 5), (again.Report.Corrects, fire.Incident.Totals.Deaths));
    }

    [Fact]
    public void Reports_after_the_final_one_are_refused_but_corrections_are_not()
    {
        var fire = Fire(deaths: 1);
        fire.Submit(ReportKind.Final, Final(Counts(1)), At(Hour5));

        Refused(() => fire.Submit(ReportKind.FollowUp, FollowUp(Counts(1)), At(Hour9)), StatusCode.FailedPrecondition, ReportingReasons.IncidentClosed);
        fire.Correct(2, Final(Counts(2)), "医院确认一人死亡", At(Hour9));

        Assert.Equal(2, fire.Incident.Totals.Deaths);
    }

    [Fact]
    public void The_initial_report_is_due_by_its_class_deadline_and_sets_the_cadence()
    {
        var (fire, outcome) = IncidentLifeCycle.Open("i-2", Initial(Counts(3)), At(T0 + Duration.FromMinutes(70)));

        Assert.Equal((T0 + Duration.FromHours(1), true), (outcome.Report.DueAt.ToInstant(), outcome.Report.Late));
        Assert.Equal(T0 + Duration.FromMinutes(70) + Duration.FromHours(24), fire.Incident.NextReportDueAt.ToInstant());
        Assert.Equal(T0 + Duration.FromDays(7), fire.Incident.CorrectionsUntil.ToInstant());
        Assert.Equal([typeof(IncidentReported)], outcome.Events.Select(e => e.GetType()));
    }

    [Fact]
    public void A_natural_disaster_reaching_ten_dead_or_missing_goes_to_the_municipal_level_once()
    {
        var flood = Fire(deaths: 2, missing: 3, category: "natural_disaster");
        var reached = flood.Submit(ReportKind.FollowUp, FollowUp(Counts(2, missing: 8)), At(Hour1));
        var again = flood.Submit(ReportKind.FollowUp, FollowUp(Counts(2, missing: 9)), At(Hour5));

        Assert.True(Assert.Single(reached.Events.OfType<IncidentEscalated>()).DirectToMunicipal);
        Assert.Empty(again.Events.OfType<IncidentEscalated>());
        Assert.True(flood.Incident.EscalatedToMunicipal);
    }

    [Fact]
    public void An_unreportable_category_is_refused()
    {
        var error = Refused(() => IncidentLifeCycle.Open("i-3", Initial(Counts(1), category: "retired"), At(T0)), StatusCode.InvalidArgument, ReportingReasons.ReportInvalid);
        Assert.Equal(["body.category"], Fields(error));
    }
}
