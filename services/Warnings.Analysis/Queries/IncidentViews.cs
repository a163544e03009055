using System.Globalization;
using NodaTime;
using Warnings.Analysis.Projections;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;

namespace Warnings.Analysis.Queries;

/// <summary>Completeness (漏报) and the open-incident picture, from the incident projections.</summary>
public static class IncidentViews
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>
    /// Open incidents missing a follow-up (their next report is past due) or a final report (still
    /// open after their category's correction window: nothing more can change, so it should be closed).
    /// </summary>
    public static CompletenessReport Completeness(IEnumerable<IncidentFacts> incidents, Instant now, Func<string, int> correctionWindowDays)
    {
        var report = new CompletenessReport();
        foreach (var incident in incidents.Where(i => !i.Closed).OrderBy(i => i.OccurredAt).ThenBy(i => i.Id, StringComparer.Ordinal))
        {
            if (incident.NextReportDueAt is { } due && due < now)
            {
                report.Gaps.Add(Gap(incident, "follow_up_missing", due, $"next report was due {due.InZone(Shanghai):uuuu-MM-dd HH:mm}; {(long)(now - due).TotalMinutes} min overdue"));
            }

            var finalDue = incident.OccurredAt + Duration.FromDays(correctionWindowDays(incident.Category));
            if (finalDue < now)
            {
                report.Gaps.Add(Gap(incident, "final_report_missing", finalDue, $"still open {correctionWindowDays(incident.Category)} days after it occurred"));
            }
        }

        return report;
    }

    private static IncidentGap Gap(IncidentFacts incident, string gap, Instant due, string detail) => new()
    {
        IncidentId = incident.Id, District = incident.District, Category = incident.Category, SeverityClass = incident.SeverityClass,
        Gap = gap, DueAt = due.ToTimestamp(), Detail = detail,
    };

    /// <summary>Open incidents by class (worst first, every class listed), and escalations in [from, to) with a count per local day.</summary>
    public static OpenIncidentsReport Open(IEnumerable<IncidentFacts> incidents, Instant from, Instant to)
    {
        var all = incidents.ToList();
        var open = all.Where(i => !i.Closed).OrderByDescending(i => IncidentFacts.Rank(i.SeverityClass)).ThenBy(i => i.OccurredAt).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();
        var report = new OpenIncidentsReport();
        foreach (var severityClass in new[] { "I", "II", "III", "IV" })
        {
            report.BySeverity.Add(new SeverityCount { SeverityClass = severityClass, Open = open.Count(i => i.SeverityClass == severityClass) });
        }

        report.Incidents.Add(open.Select(Summary));
        var escalations = all.SelectMany(i => i.Escalations.Select(e => (Incident: i, Escalation: e)))
            .Where(x => x.Escalation.At >= from && x.Escalation.At < to)
            .OrderBy(x => x.Escalation.At).ThenBy(x => x.Incident.Id, StringComparer.Ordinal).ToList();
        report.Escalations.Add(escalations.Select(x => new Escalation
        {
            IncidentId = x.Incident.Id, District = x.Incident.District, FromClass = x.Escalation.FromClass, ToClass = x.Escalation.ToClass, At = x.Escalation.At.ToTimestamp(),
        }));
        report.EscalationsByDay.Add(escalations.GroupBy(x => LocalDate(x.Escalation.At)).Select(g => new DayCount { Date = g.Key, Count = g.Count() }));
        return report;
    }

    public static IncidentSummary Summary(IncidentFacts i) => new()
    {
        IncidentId = i.Id, District = i.District, Category = i.Category, SeverityClass = i.SeverityClass, OccurredAt = i.OccurredAt.ToTimestamp(),
        Deaths = i.Deaths, Missing = i.Missing, SeriouslyInjured = i.SeriouslyInjured, Overdue = i.Overdue,
        NextReportDueAt = i.NextReportDueAt?.ToTimestamp(), Address = i.Address,
    };

    public static string LocalDate(Instant at) => at.InZone(Shanghai).Date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
}
