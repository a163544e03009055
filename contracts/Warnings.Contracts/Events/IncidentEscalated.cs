using NodaTime;

namespace Warnings.Contracts.Events;

/// <summary>
/// An incident got worse: its severity class rose (<paramref name="FromClass"/>, the class it had, to
/// <paramref name="ToClass"/>) above the highest it had had, so once per class; or it reached the
/// direct municipal escalation threshold (<paramref name="DirectToMunicipal"/>, 越级上报).
/// </summary>
public sealed record IncidentEscalated(string IncidentId, string District, string FromClass, string ToClass, bool DirectToMunicipal, int Sequence, Instant At);
