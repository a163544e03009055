using Warnings.Contracts.V1;

namespace Warnings.Reporting.Domain;

/// <summary>
/// Lookups in the reporting rules of the publication list, with the defaults that apply when the
/// list says nothing (a category or class it no longer names).
/// </summary>
public static class ReportingRulesExtensions
{
    /// <summary>Casualty changes are accepted this long unless the category says otherwise (DESIGN.md: 30 days).</summary>
    public const int DefaultCorrectionWindowDays = 30;

    /// <summary>How many days after the incident its reports may be corrected.</summary>
    public static int CorrectionWindowDays(this ReportingRules? rules, string category) =>
        rules?.Categories.FirstOrDefault(c => c.Code == category)?.CorrectionWindowDays is > 0 and var days ? days : DefaultCorrectionWindowDays;

    /// <summary>The initial-report deadline and follow-up cadence of a severity class.</summary>
    public static SeverityDeadline Deadline(this ReportingRules? rules, string severityClass) =>
        rules?.Deadlines.FirstOrDefault(d => d.SeverityClass == severityClass)
        ?? new SeverityDeadline { SeverityClass = severityClass, InitialReportMinutes = 60, FollowUpEveryHours = 24 };
}
