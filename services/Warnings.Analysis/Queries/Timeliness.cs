using NodaTime;
using Warnings.Analysis.Projections;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;

namespace Warnings.Analysis.Queries;

/// <summary>
/// Reporting timeliness over reports due in [from, to): a report is expected when its due time falls
/// in the period; it is on time or late (迟报) when it came, overdue when its due time has passed
/// and it has not come. Corrections are not reports anyone was waiting for and are left out.
/// </summary>
public static class Timeliness
{
    public static TimelinessReport Compute(IEnumerable<IncidentFacts> incidents, Instant from, Instant to, Instant now, string district, IReadOnlyDictionary<string, string> names)
    {
        var report = new TimelinessReport { From = from.ToTimestamp(), To = to.ToTimestamp() };
        var rows = names.Keys.Where(d => district.Length == 0 || d == district).ToDictionary(d => d, d => new DistrictTimeliness { District = d, Name = names[d] });
        foreach (var incident in incidents.Where(i => district.Length == 0 || i.District == district))
        {
            if (!rows.TryGetValue(incident.District, out var row))
            {
                rows[incident.District] = row = new DistrictTimeliness { District = incident.District, Name = incident.District };
            }

            foreach (var r in ReportsDue(incident, from, to).Where(r => r.Corrects == 0))
            {
                row.Expected++;
                row.Received++;
                if (r.Late)
                {
                    row.Late++;
                    report.LateReports.Add(new LateReport
                    {
                        IncidentId = incident.Id, District = incident.District, Sequence = r.Sequence, Kind = r.Kind,
                        DueAt = r.DueAt.ToTimestamp(), ReceivedAt = r.ReceivedAt.ToTimestamp(), MinutesLate = (long)(r.ReceivedAt - r.DueAt).TotalMinutes,
                    });
                }
                else
                {
                    row.OnTime++;
                }
            }

            if (!incident.Closed && incident.NextReportDueAt is { } due && due >= from && due < to && due < now)
            {
                row.Expected++;
                row.Overdue++;
                report.OverdueReports.Add(new OverdueReport
                {
                    IncidentId = incident.Id, District = incident.District, SeverityClass = incident.SeverityClass, DueAt = due.ToTimestamp(),
                    MinutesOverdue = (long)(now - due).TotalMinutes, ReportsSoFar = incident.Reports.Count,
                });
            }
        }

        var city = new DistrictTimeliness { District = "310000", Name = "全市" };
        foreach (var row in rows.Values.OrderBy(r => r.District, StringComparer.Ordinal))
        {
            row.OnTimeRate = Rate(row);
            report.Districts.Add(row);
            city.Expected += row.Expected;
            city.Received += row.Received;
            city.OnTime += row.OnTime;
            city.Late += row.Late;
            city.Overdue += row.Overdue;
        }

        city.OnTimeRate = Rate(city);
        report.City = city;
        var late = report.LateReports.OrderBy(l => l.DueAt.ToInstant()).ThenBy(l => l.IncidentId, StringComparer.Ordinal).ToList();
        report.LateReports.Clear();
        report.LateReports.Add(late);
        var overdue = report.OverdueReports.OrderBy(o => o.DueAt.ToInstant()).ThenBy(o => o.IncidentId, StringComparer.Ordinal).ToList();
        report.OverdueReports.Clear();
        report.OverdueReports.Add(overdue);
        return report;
    }

    /// <summary>The reports of <paramref name="incident"/> due in [from, to), corrections included (they carry their report's due time).</summary>
    public static IEnumerable<ReportFact> ReportsDue(IncidentFacts incident, Instant from, Instant to) =>
        incident.Reports.Where(r => r.DueAt >= from && r.DueAt < to);

    private static double Rate(DistrictTimeliness row) => row.Expected == 0 ? 1 : (double)row.OnTime / row.Expected;
}
