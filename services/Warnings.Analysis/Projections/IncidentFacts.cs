using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Reporting.Domain;

namespace Warnings.Analysis.Projections;

/// <summary>One report as analysis needs it: when it was due and when it came.</summary>
public sealed record ReportFact(int Sequence, string Kind, Instant ReceivedAt, Instant DueAt, bool Late, int Corrects, string SeverityClass);

/// <summary>The severity class rose above the highest the incident had had, at a report or a correction of the latest report.</summary>
public sealed record EscalationFact(int Sequence, string FromClass, string ToClass, Instant At);

/// <summary>
/// The analysis projection of one incident (<c>analysis-incident:{id}</c>): computed from the stored
/// incident document alone, never from the event that announced a change, so live consumption and a
/// rebuild produce the same record, whatever order and however often events arrive.
/// </summary>
public sealed record IncidentFacts(
    string Id,
    string District,
    string Category,
    string SeverityClass,
    Instant OccurredAt,
    bool Closed,
    bool Overdue,
    Instant? NextReportDueAt,
    bool EscalatedToMunicipal,
    int Deaths,
    int Missing,
    int SeriouslyInjured,
    long DirectLossYuan,
    string Address,
    string Enterprise,
    double? Latitude,
    double? Longitude,
    IReadOnlyList<ReportFact> Reports,
    IReadOnlyList<EscalationFact> Escalations,
    long Revision)
{
    /// <summary>
    /// The facts of one incident, read the way the reporting module reads it (<see cref="IncidentLifeCycle"/>):
    /// current figures and class from the latest report (a correction of an earlier report changes
    /// that report only), one escalation per rise above the highest class reached.
    /// </summary>
    public static IncidentFacts From(IncidentTimeline timeline)
    {
        var life = IncidentLifeCycle.Of(timeline.Clone());
        var (incident, history) = (life.Incident, life.History);
        var reports = timeline.Reports.Select(r => new ReportFact(r.Sequence, r.Kind switch
        {
            ReportKind.Initial => "Initial",
            ReportKind.Final => "Final",
            _ => "FollowUp",
        }, r.ReceivedAt.ToInstant(), r.DueAt.ToInstant(), r.Late, r.Corrects, r.SeverityClass)).ToList();
        var escalations = history.Escalations.Select(e => new EscalationFact(e.Sequence, e.FromClass, e.ToClass, e.At)).ToList();

        // Place and enterprise: the latest report that gave them, each report as corrected.
        var contents = history.Reports.Select(r => history.Content(r.Sequence).Body).OfType<ReportBody>().ToList();
        var located = contents.LastOrDefault(b => b.Location is not null);
        var totals = incident.Totals ?? new IncidentCounts();
        return new IncidentFacts(
            incident.Id, incident.District, incident.Category, incident.SeverityClass, incident.OccurredAt.ToInstant(), incident.Closed, incident.Overdue,
            incident.NextReportDueAt?.ToInstant(), incident.EscalatedToMunicipal, totals.Deaths, totals.Missing, totals.SeriouslyInjured, totals.DirectLossYuan,
            contents.LastOrDefault(b => b.Address.Length > 0)?.Address ?? "",
            contents.LastOrDefault(b => b.Enterprise.Length > 0)?.Enterprise ?? "",
            located?.Location.Latitude, located?.Location.Longitude, reports, escalations, incident.Revision);
    }

    /// <summary>I (worst) = 4 ... IV = 1; 0 for none.</summary>
    public static int Rank(string severityClass) => severityClass switch { "I" => 4, "II" => 3, "III" => 2, "IV" => 1, _ => 0 };
}
