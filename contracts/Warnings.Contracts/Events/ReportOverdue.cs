using NodaTime;

namespace Warnings.Contracts.Events;

/// <summary>A follow-up (or final) report on an open incident was due and has not arrived.</summary>
public sealed record ReportOverdue(string IncidentId, string District, string SeverityClass, Instant DueAt, Instant DetectedAt, int ReportsSoFar);
