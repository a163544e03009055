using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;

namespace Warnings.Analysis.Projections;

/// <summary>One report as analysis needs it: when it was due and when it came.</summary>
public sealed record ReportFact(int Sequence, string Kind, Instant ReceivedAt, Instant DueAt, bool Late, int Corrects, string SeverityClass);

/// <summary>The severity class rose (or the incident went straight to the municipal level) at a report.</summary>
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
    public static IncidentFacts From(IncidentTimeline timeline)
    {
        var incident = timeline.Incident;
        var reports = timeline.Reports.Select(r => new ReportFact(r.Sequence, r.Kind switch
        {
            ReportKind.Initial => "Initial",
            ReportKind.Final => "Final",
            _ => "FollowUp",
        }, r.ReceivedAt.ToInstant(), r.DueAt.ToInstant(), r.Late, r.Corrects, r.SeverityClass)).ToList();
        var escalations = new List<EscalationFact>();
        for (int i = 1; i < reports.Count; i++)
        {
            if (Rank(reports[i].SeverityClass) > Rank(reports[i - 1].SeverityClass))
            {
                escalations.Add(new EscalationFact(reports[i].Sequence, reports[i - 1].SeverityClass, reports[i].SeverityClass, reports[i].ReceivedAt));
            }
        }

        // Place and enterprise: the latest report that gave them.
        var located = timeline.Reports.LastOrDefault(r => r.Body?.Location is not null);
        var totals = incident.Totals ?? new IncidentCounts();
        return new IncidentFacts(
            incident.Id, incident.District, incident.Category, incident.SeverityClass, incident.OccurredAt.ToInstant(), incident.Closed, incident.Overdue,
            incident.NextReportDueAt?.ToInstant(), incident.EscalatedToMunicipal, totals.Deaths, totals.Missing, totals.SeriouslyInjured, totals.DirectLossYuan,
            timeline.Reports.LastOrDefault(r => r.Body?.Address.Length > 0)?.Body.Address ?? "",
            timeline.Reports.LastOrDefault(r => r.Body?.Enterprise.Length > 0)?.Body.Enterprise ?? "",
            located?.Body.Location.Latitude, located?.Body.Location.Longitude, reports, escalations, incident.Revision);
    }

    /// <summary>I (worst) = 4 ... IV = 1; 0 for none.</summary>
    public static int Rank(string severityClass) => severityClass switch { "I" => 4, "II" => 3, "III" => 2, "IV" => 1, _ => 0 };
}
