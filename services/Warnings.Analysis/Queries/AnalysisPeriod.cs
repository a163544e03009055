using NodaTime;
using Warnings.Core.Grpc;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Warnings.Analysis.Queries;

/// <summary>The [from, to) of an analysis question, read the same way by every RPC and export.</summary>
public static class AnalysisPeriod
{
    /// <summary>
    /// The asked-for period, or the defaults for a missing bound; INVALID_ARGUMENT when a bound is
    /// outside years 1970-2199 (far-off instants overflow the calendar arithmetic of the reports),
    /// when to is not after from, or when the period is longer than <paramref name="maxDays"/>.
    /// </summary>
    public static (Instant From, Instant To) Resolve(Timestamp? from, Timestamp? to, Instant defaultFrom, Instant defaultTo, int? maxDays = null)
    {
        new FieldViolations()
            .CheckInstant(from, "from", out var f)
            .CheckInstant(to, "to", out var t)
            .ThrowIfAny();
        f = from is null ? defaultFrom : f;
        t = to is null ? defaultTo : t;
        new FieldViolations().Check(f < t, "to", "must be after from").ThrowIfAny();
        new FieldViolations().Check(maxDays is null || t - f <= Duration.FromDays(maxDays.Value), "to", $"the period may be at most {maxDays} days long").ThrowIfAny();
        return (f, t);
    }
}
