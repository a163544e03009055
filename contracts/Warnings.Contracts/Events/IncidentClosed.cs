using NodaTime;

namespace Warnings.Contracts.Events;

/// <summary>The final report closed an incident.</summary>
public sealed record IncidentClosed(string IncidentId, string District, string Category, string SeverityClass, IncidentTotals Totals, Instant ClosedAt);
