using System.Globalization;
using NodaTime;
using Warnings.Analysis.Projections;
using Warnings.Analysis.Queries;
using Warnings.Contracts.Time;
using Warnings.PublicationList.Domain;
using Warnings.Reporting.Domain;

namespace Warnings.Analysis.Dashboard;

/// <summary>
/// Everything the dashboard shows at one moment, as the page's JSON. Codes go out with their names
/// from the publication list (<see cref="ListNames"/>: zh-CN and English), so the page never keeps
/// a vocabulary of its own.
/// </summary>
public static class DashboardState
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public static object Build(IReadOnlyList<WarningFacts> warnings, IReadOnlyList<IncidentFacts> incidents, DistrictMap map, ListNames vocabulary, RiskOptions risk, Instant now, bool display = false)
    {
        var names = map.Districts.ToDictionary(d => d.Code, d => d.Name);
        var warningMap = SituationMap.Warnings(warnings, now, names);
        var riskPicture = SituationMap.Risk(warningMap, incidents, risk);
        var open = IncidentViews.Open(incidents, now - Duration.FromDays(30), now + Duration.FromMilliseconds(1));
        return new
        {
            generatedAt = Local(now),
            // A wall screen's display session: the page offers no sign-out (only an operator ends it).
            display,
            // The full local time, for the banner that says how old the picture is when the platform cannot be reached.
            updatedAt = now.InZone(Shanghai).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            districts = warningMap.Districts.Zip(riskPicture.Districts, (w, r) => new
            {
                code = w.District, name = w.Name, level = w.HighestLevel, risk = r.Colour, riskScore = r.Score, riskReason = r.Reason,
                hazards = w.Hazards.Select(h => new { h.Hazard, hazardName = vocabulary.Hazard(h.Hazard, ListNames.Chinese), h.Level }),
            }),
            warnings = warningMap.Warnings.Select(w => new
            {
                id = w.WarningId, w.Hazard, w.Level, w.Department, w.Headline, districts = w.Districts.Select(d => names.GetValueOrDefault(d, d == "310000" ? "全市" : d)),
                expires = Local(w.ExpiresAt.ToInstant()),
            }),
            incidents = open.Incidents.Select(i => new
            {
                id = i.IncidentId, district = names.GetValueOrDefault(i.District, i.District), i.Category,
                categoryName = vocabulary.Category(i.Category, ListNames.Chinese), categoryNameEn = vocabulary.Category(i.Category, ListNames.English), severity = i.SeverityClass,
                i.Deaths, i.Missing, injured = i.SeriouslyInjured, occurred = Local(i.OccurredAt.ToInstant()), i.Overdue,
            }),
            bySeverity = open.BySeverity.Select(s => new { s.SeverityClass, s.Open }),
            overdue = incidents.Where(i => !i.Closed && i.NextReportDueAt is { } due && due < now).OrderBy(i => i.NextReportDueAt).Select(i => new
            {
                id = i.Id, district = names.GetValueOrDefault(i.District, i.District), severity = i.SeverityClass,
                due = Local(i.NextReportDueAt!.Value), minutesOverdue = (long)(now - i.NextReportDueAt!.Value).TotalMinutes,
            }),
        };
    }

    private static string Local(Instant at) => at.InZone(Shanghai).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);
}
