using Google.Protobuf.WellKnownTypes;
using Duration = NodaTime.Duration;
using NodaTime;

namespace Warnings.Contracts.Time;

/// <summary>
/// Converts between the domain's <see cref="Instant"/> and the wire's
/// <see cref="Timestamp"/> without losing a nanosecond. Use these at the gRPC edge only:
/// inside the platform every point in time is an <see cref="Instant"/>.
/// </summary>
public static class TimestampConversions
{
    /// <summary>The earliest instant a <see cref="Timestamp"/> can carry: 0001-01-01T00:00:00Z.</summary>
    public static readonly Instant MinTimestampInstant = Instant.FromUtc(1, 1, 1, 0, 0);

    /// <summary>The latest instant a <see cref="Timestamp"/> can carry: 9999-12-31T23:59:59.999999999Z.</summary>
    public static readonly Instant MaxTimestampInstant = Instant.FromUtc(9999, 12, 31, 23, 59, 59) + Duration.FromNanoseconds(999_999_999);

    /// <summary>
    /// The <see cref="Timestamp"/> for <paramref name="instant"/>.
    /// Throws <see cref="ArgumentOutOfRangeException"/> outside years 1-9999, which protobuf cannot represent.
    /// </summary>
    public static Timestamp ToTimestamp(this Instant instant)
    {
        if (instant < MinTimestampInstant || instant > MaxTimestampInstant)
        {
            throw new ArgumentOutOfRangeException(nameof(instant), instant, "A protobuf Timestamp covers years 1 to 9999 only.");
        }

        // Seconds are floored so that nanos is always in [0, 1e9), as Timestamp requires.
        long seconds = instant.ToUnixTimeSeconds();
        int nanos = (int)(instant - Instant.FromUnixTimeSeconds(seconds)).SubsecondNanoseconds;
        return new Timestamp { Seconds = seconds, Nanos = nanos };
    }

    /// <summary>
    /// The <see cref="Instant"/> for <paramref name="timestamp"/>.
    /// Throws <see cref="ArgumentException"/> for a timestamp that breaks protobuf's rules
    /// (nanos outside [0, 999999999] or seconds outside years 1-9999); callers at the gRPC edge turn
    /// that into INVALID_ARGUMENT, see <see cref="TryToInstant"/>.
    /// </summary>
    public static Instant ToInstant(this Timestamp timestamp) =>
        TryToInstant(timestamp, out var instant)
            ? instant
            : throw new ArgumentException($"Timestamp {timestamp.Seconds}s {timestamp.Nanos}ns is not a valid protobuf Timestamp.", nameof(timestamp));

    /// <summary>Converts a client-supplied timestamp, returning false instead of throwing when it is invalid.</summary>
    public static bool TryToInstant(Timestamp? timestamp, out Instant instant)
    {
        instant = default;
        if (timestamp is null || timestamp.Nanos is < 0 or > 999_999_999)
        {
            return false;
        }

        if (timestamp.Seconds < MinTimestampInstant.ToUnixTimeSeconds() || timestamp.Seconds > MaxTimestampInstant.ToUnixTimeSeconds())
        {
            return false;
        }

        instant = Instant.FromUnixTimeSeconds(timestamp.Seconds).PlusNanoseconds(timestamp.Nanos);
        return true;
    }
}
