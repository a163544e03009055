using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;

namespace Warnings.Reporting.Storage;

/// <summary>Incidents in the store: one document per incident (<c>incident:{id}</c>) with its state, every report and correction, every step.</summary>
public sealed class IncidentRepository(IStateStore store) : ProtoDocuments<IncidentTimeline>(store, "incident", DueAt)
{
    /// <summary>An open incident not yet flagged overdue is due when its next report is (<see cref="OverdueReports"/>).</summary>
    private static Instant? DueAt(IncidentTimeline document) =>
        !document.Incident.Closed && !document.Incident.Overdue && document.Incident.NextReportDueAt is { } due ? due.ToInstant() : null;
}
