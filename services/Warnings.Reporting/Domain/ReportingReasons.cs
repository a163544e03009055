namespace Warnings.Reporting.Domain;

/// <summary>Stable reason codes of incident reporting (ErrorInfo.reason; they are an API).</summary>
public static class ReportingReasons
{
    /// <summary>INVALID_ARGUMENT: the report is incomplete or inconsistent; BadRequest lists every problem.</summary>
    public const string ReportInvalid = "REPORT_INVALID";

    /// <summary>NOT_FOUND: no such incident (or not one the caller may see).</summary>
    public const string IncidentNotFound = "INCIDENT_NOT_FOUND";

    /// <summary>NOT_FOUND: the incident has no report with the sequence a correction names.</summary>
    public const string ReportNotFound = "REPORT_NOT_FOUND";

    /// <summary>FAILED_PRECONDITION: a follow-up or final report to an incident its final report closed.</summary>
    public const string IncidentClosed = "INCIDENT_CLOSED";

    /// <summary>
    /// FAILED_PRECONDITION: a correction after the category's correction window; ErrorInfo metadata
    /// gives the window (<c>window_days</c>) and its end (<c>window_ends_at</c> ISO instant,
    /// <c>window_ends_local</c> Asia/Shanghai).
    /// </summary>
    public const string CorrectionWindowClosed = "CORRECTION_WINDOW_CLOSED";
}
