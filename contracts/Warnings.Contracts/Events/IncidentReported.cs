using NodaTime;

namespace Warnings.Contracts.Events;

/// <summary>A district submitted a report on an incident (a correction is <see cref="IncidentReportCorrected"/>).</summary>
/// <param name="IncidentId">The incident.</param>
/// <param name="Sequence">1 for the initial report, then one more per report or correction.</param>
/// <param name="Kind">Initial, FollowUp or Final.</param>
/// <param name="District">GB/T 2260 district code.</param>
/// <param name="Category">Incident category of the reporting rules.</param>
/// <param name="SeverityClass">I to IV after this report (the latest report decides).</param>
/// <param name="Totals">The incident's counts after this report.</param>
/// <param name="OccurredAt">When the incident happened.</param>
/// <param name="ReceivedAt">When this report was received.</param>
/// <param name="DueAt">When it was due.</param>
/// <param name="Late">迟报: received after it was due.</param>
/// <param name="Corrects">0. (Before <see cref="IncidentReportCorrected"/> existed, corrections came as this event with the sequence they corrected.)</param>
/// <param name="ListVersion">The publication-list version whose reporting rules applied.</param>
public sealed record IncidentReported(
    string IncidentId,
    int Sequence,
    string Kind,
    string District,
    string Category,
    string SeverityClass,
    IncidentTotals Totals,
    Instant OccurredAt,
    Instant ReceivedAt,
    Instant DueAt,
    bool Late,
    int Corrects,
    long ListVersion);
