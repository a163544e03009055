using System.Globalization;
using Google.Rpc;
using NodaTime;
using NodaTime.Text;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;

namespace Warnings.Reporting.Domain;

/// <summary>Everything a report is judged by besides itself: who sends it, when, and the rules in force.</summary>
public sealed record ReportContext(string By, Instant Now, ReportingRules Rules, long ListVersion, double CountJumpFactor);

/// <summary>A report or correction as accepted, and the events it causes.</summary>
public sealed record ReportOutcome(IncidentReport Report, IReadOnlyList<object> Events);

/// <summary>
/// One incident's life cycle over its stored timeline: the initial report opens it, follow-ups
/// move it, the final report closes it, and any report may be corrected within the category's
/// correction window (the final one too). The incident's figures and class always come from its
/// latest report (<see cref="IncidentHistory"/>); each change is checked, appended to the timeline
/// and answered with the events it causes. A refusal throws before anything changes.
/// </summary>
public sealed class IncidentLifeCycle
{
    private IncidentLifeCycle(IncidentTimeline timeline)
    {
        Timeline = timeline;
        History = IncidentHistory.Of(timeline.Reports);
        Derive();
    }

    /// <summary>The stored document, kept current by every change.</summary>
    public IncidentTimeline Timeline { get; }

    public Incident Incident => Timeline.Incident;

    public IncidentHistory History { get; private set; }

    /// <summary>Takes over a stored timeline; its incident's figures are (re)derived from its reports.</summary>
    public static IncidentLifeCycle Of(IncidentTimeline timeline) => new(timeline);

    /// <summary>The initial report (首报): a new incident, its report due by the class's deadline after it occurred.</summary>
    public static (IncidentLifeCycle Incident, ReportOutcome Outcome) Open(string id, ReportBody body, ReportContext context)
    {
        var problems = new FieldViolations();
        ReportRules.CheckRequired(ReportKind.Initial, body, problems);
        ReportRules.CheckCategory(body, context.Rules, context.ListVersion, problems);
        problems.ThrowIfAny(ReportRules.Reason);
        var life = new IncidentLifeCycle(new IncidentTimeline
        {
            Incident = new Incident { Id = id, District = body.District, Category = body.Category, OccurredAt = body.OccurredAt, Totals = new IncidentCounts() },
        });
        var due = body.OccurredAt.ToInstant() + Duration.FromMinutes(context.Rules.Deadline(Classify(body.Totals)).InitialReportMinutes);
        return (life, life.Accept(ReportKind.Initial, body.Clone(), due, context));
    }

    /// <summary>A follow-up (续报) or the final report (终报), due when the incident's next report is.</summary>
    public ReportOutcome Submit(ReportKind kind, ReportBody body, ReportContext context)
    {
        if (Incident.Closed)
        {
            throw GrpcErrors.Build(Code.FailedPrecondition, ReportingReasons.IncidentClosed, $"Incident {Incident.Id} was closed by its final report; correct a report instead.",
                new Dictionary<string, string> { ["incident_id"] = Incident.Id });
        }

        var content = Bound(body);
        var problems = new FieldViolations();
        ReportRules.CheckRequired(kind, content, problems);
        ReportRules.CheckCounts(History.Totals, content.Totals ?? new IncidentCounts(), content.CountChangeReason, context.CountJumpFactor, problems);
        problems.ThrowIfAny(ReportRules.Reason);
        return Accept(kind, content, Incident.NextReportDueAt?.ToInstant() ?? context.Now, context);
    }

    /// <summary>
    /// Replaces the content of report <paramref name="sequence"/> (核报 included) within the correction
    /// window. Its counts are checked like any report's: against the report before it and the report
    /// after it. Only a correction of the latest report changes the incident's figures and class.
    /// </summary>
    public ReportOutcome Correct(int sequence, ReportBody body, string reason, ReportContext context)
    {
        var original = History.Find(sequence)
            ?? throw GrpcErrors.Build(Code.NotFound, ReportingReasons.ReportNotFound, $"Incident {Incident.Id} has no report {sequence}.",
                new Dictionary<string, string> { ["incident_id"] = Incident.Id, ["sequence"] = sequence.ToString(CultureInfo.InvariantCulture) });
        var windowEnds = CorrectionsUntil(context.Rules);
        if (context.Now > windowEnds)
        {
            int days = context.Rules.CorrectionWindowDays(Incident.Category);
            throw GrpcErrors.Build(Code.FailedPrecondition, ReportingReasons.CorrectionWindowClosed,
                $"Reports on {Incident.Category} incidents may be corrected for {days} days after the incident; the window closed at {ShanghaiTime.Display(windowEnds)} (Asia/Shanghai).",
                new Dictionary<string, string>
                {
                    ["incident_id"] = Incident.Id,
                    ["category"] = Incident.Category,
                    ["window_days"] = days.ToString(CultureInfo.InvariantCulture),
                    ["window_ends_at"] = InstantPattern.ExtendedIso.Format(windowEnds),
                    ["window_ends_local"] = ShanghaiTime.Display(windowEnds),
                });
        }

        var content = Bound(body);
        var problems = new FieldViolations();
        ReportRules.CheckRequired(original.Kind, content, problems);
        var totals = content.Totals ?? new IncidentCounts();
        if (History.Before(original) is { } before)
        {
            ReportRules.CheckCounts(History.Content(before.Sequence).Body?.Totals ?? new IncidentCounts(), totals, content.CountChangeReason, context.CountJumpFactor, problems);
        }

        if (History.After(original) is { } after)
        {
            ReportRules.CheckCounts(totals, History.Content(after.Sequence).Body?.Totals ?? new IncidentCounts(), content.CountChangeReason, context.CountJumpFactor, problems,
                later: $"report {after.Sequence}");
        }

        problems.ThrowIfAny(ReportRules.Reason);
        string classBefore = Incident.SeverityClass;
        var report = Append(original.Kind, content, windowEnds, late: false, context, corrects: original.Sequence, reason);
        var events = new List<object>
        {
            new IncidentReportCorrected(Incident.Id, report.Sequence, original.Sequence, original.Kind.ToString(), Incident.District, Incident.Category,
                report.SeverityClass, ToEvent(totals), Incident.SeverityClass, ToEvent(Incident.Totals), original.Sequence == History.Latest!.Sequence, reason, context.Now, context.ListVersion),
        };
        Step(context, "corrected", $"report {original.Sequence}: {reason}");
        Escalate(report, classBefore, context, events);
        return new ReportOutcome(report, events);
    }

    /// <summary>The end of the correction window: the incident's occurrence plus its category's window.</summary>
    public Instant CorrectionsUntil(ReportingRules rules) => Incident.OccurredAt.ToInstant() + Duration.FromDays(rules.CorrectionWindowDays(Incident.Category));

    // A report (not a correction): judged on time or late, it becomes the latest, sets when the next
    // one is due (or closes the incident), and may escalate it.
    private ReportOutcome Accept(ReportKind kind, ReportBody content, Instant due, ReportContext context)
    {
        string classBefore = Incident.SeverityClass;
        bool late = context.Now > due;
        var report = Append(kind, content, due, late, context);
        Incident.Overdue = false;
        Incident.NextReportDueAt = kind == ReportKind.Final ? null : (context.Now + Duration.FromHours(context.Rules.Deadline(Incident.SeverityClass).FollowUpEveryHours)).ToTimestamp();
        var totals = ToEvent(Incident.Totals);
        var events = new List<object>
        {
            new IncidentReported(Incident.Id, report.Sequence, kind.ToString(), Incident.District, Incident.Category, Incident.SeverityClass, totals,
                Incident.OccurredAt.ToInstant(), context.Now, due, late, 0, context.ListVersion),
        };
        Step(context, kind switch { ReportKind.Initial => "initial_report", ReportKind.Final => "final_report", _ => "follow_up" }, late ? "迟报: late" : "");
        Escalate(report, classBefore, context, events);
        if (kind == ReportKind.Final)
        {
            events.Add(new IncidentClosed(Incident.Id, Incident.District, Incident.Category, Incident.SeverityClass, totals, context.Now));
        }

        return new ReportOutcome(report, events);
    }

    private IncidentReport Append(ReportKind kind, ReportBody content, Instant due, bool late, ReportContext context, int corrects = 0, string correctionReason = "")
    {
        var report = new IncidentReport
        {
            Sequence = Timeline.Reports.Count + 1,
            Kind = kind,
            Body = content,
            ReceivedAt = context.Now.ToTimestamp(),
            SubmittedBy = context.By,
            DueAt = due.ToTimestamp(),
            Late = late,
            SeverityClass = Classify(content.Totals),
            ListVersion = context.ListVersion,
            Corrects = corrects,
            CorrectionReason = correctionReason,
        };
        Timeline.Reports.Add(report);
        History = IncidentHistory.Of(Timeline.Reports);
        Derive();
        Incident.ListVersion = context.ListVersion;
        Incident.CorrectionsUntil = CorrectionsUntil(context.Rules).ToTimestamp();
        Incident.Revision++;
        return report;
    }

    // The events of a rise above the highest class so far (at most one per report), and of reaching
    // the direct municipal threshold (越级上报, once per incident).
    private void Escalate(IncidentReport report, string classBefore, ReportContext context, List<object> events)
    {
        foreach (var rise in History.Escalations.Where(e => e.Sequence == report.Sequence))
        {
            events.Add(new IncidentEscalated(Incident.Id, Incident.District, rise.FromClass, rise.ToClass, DirectToMunicipal: false, report.Sequence, context.Now));
            Step(context, "escalated", $"{rise.FromClass} -> {rise.ToClass}", by: "platform");
        }

        var totals = Incident.Totals;
        int threshold = context.Rules.DirectEscalationDeadOrMissing;
        if (!Incident.EscalatedToMunicipal && threshold > 0 && context.Rules.DirectEscalationCategories.Contains(Incident.Category) && totals.Deaths + totals.Missing >= threshold)
        {
            Incident.EscalatedToMunicipal = true;
            events.Add(new IncidentEscalated(Incident.Id, Incident.District, classBefore.Length > 0 ? classBefore : Incident.SeverityClass, Incident.SeverityClass,
                DirectToMunicipal: true, report.Sequence, context.Now));
            Step(context, "escalated_to_municipal", $"{totals.Deaths + totals.Missing} dead or missing", by: "platform");
        }
    }

    // The incident's figures as its reports give them.
    private void Derive()
    {
        if (History.Latest is null)
        {
            return;
        }

        Incident.Totals = History.Totals.Clone();
        Incident.SeverityClass = History.SeverityClass;
        Incident.HighestSeverityClass = History.HighestSeverityClass;
        Incident.Reports = Timeline.Reports.Count;
        Incident.Closed = History.ClosedAt is not null;
        Incident.ClosedAt = History.ClosedAt?.ToTimestamp();
    }

    // What a later report or a correction says about the incident's identity is the incident's.
    private ReportBody Bound(ReportBody body)
    {
        var content = body.Clone();
        content.Category = Incident.Category;
        content.District = Incident.District;
        content.OccurredAt = Incident.OccurredAt;
        return content;
    }

    private void Step(ReportContext context, string action, string note, string? by = null) =>
        Timeline.Steps.Add(new WarningStep { At = context.Now.ToTimestamp(), By = by ?? context.By, Action = action, Note = note });

    private static string Classify(IncidentCounts? totals) => Severity.Of(totals);

    private static IncidentTotals ToEvent(IncidentCounts t) => new(t.Deaths, t.Missing, t.SeriouslyInjured, t.Trapped, t.AffectedPopulation, t.Relocated,
        t.HousesCollapsed, t.HousesDamaged, t.CropAreaHectares, t.DirectLossYuan);
}
