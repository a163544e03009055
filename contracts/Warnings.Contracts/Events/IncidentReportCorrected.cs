using NodaTime;

namespace Warnings.Contracts.Events;

/// <summary>
/// A district corrected one report of an incident (any report, the final one included, within the
/// category's correction window). The corrected report's own figures are <paramref name="ReportTotals"/>;
/// the incident's current figures and class are those of its latest report, so they change only when
/// the latest report was corrected (<paramref name="ChangedCurrent"/>).
/// </summary>
/// <param name="IncidentId">The incident.</param>
/// <param name="Sequence">The correction's own sequence number in the incident's timeline.</param>
/// <param name="Corrects">The sequence of the report it corrects.</param>
/// <param name="Kind">The corrected report's kind: Initial, FollowUp or Final.</param>
/// <param name="District">GB/T 2260 district code.</param>
/// <param name="Category">Incident category of the reporting rules.</param>
/// <param name="ReportSeverityClass">I to IV by the corrected report's own counts.</param>
/// <param name="ReportTotals">The corrected report's counts.</param>
/// <param name="SeverityClass">The incident's class after the correction.</param>
/// <param name="Totals">The incident's current counts after the correction.</param>
/// <param name="ChangedCurrent">The latest report was corrected, so the incident's current figures are the correction's.</param>
/// <param name="Reason">Why the report was corrected.</param>
/// <param name="CorrectedAt">When the correction was received.</param>
/// <param name="ListVersion">The publication-list version whose reporting rules applied.</param>
public sealed record IncidentReportCorrected(
    string IncidentId,
    int Sequence,
    int Corrects,
    string Kind,
    string District,
    string Category,
    string ReportSeverityClass,
    IncidentTotals ReportTotals,
    string SeverityClass,
    IncidentTotals Totals,
    bool ChangedCurrent,
    string Reason,
    Instant CorrectedAt,
    long ListVersion);
