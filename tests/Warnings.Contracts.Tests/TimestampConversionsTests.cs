using Google.Protobuf.WellKnownTypes;
using NodaTime;
using Warnings.Contracts.Time;
using Duration = NodaTime.Duration;

namespace Warnings.Contracts.Tests;

public class TimestampConversionsTests
{
    public static TheoryData<string> Instants => new()
    {
        "1970-01-01T00:00:00Z",
        "2026-07-15T08:30:00.123456789Z",
        "1969-12-31T23:59:59.999999999Z", // before the epoch: seconds floor, nanos stay positive
        "1900-03-01T12:00:00.000000001Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
    };

    [Theory]
    [MemberData(nameof(Instants))]
    public void Instant_survives_a_round_trip_to_the_nanosecond(string text)
    {
        var instant = NodaTime.Text.InstantPattern.ExtendedIso.Parse(text).Value;

        var timestamp = instant.ToTimestamp();

        Assert.InRange(timestamp.Nanos, 0, 999_999_999);
        Assert.Equal(instant, timestamp.ToInstant());
    }

    [Fact]
    public void Matches_protobufs_own_conversion_from_DateTimeOffset()
    {
        var instant = Instant.FromUtc(2026, 11, 29, 1, 2, 3) + Duration.FromTicks(1234567);

        Assert.Equal(Timestamp.FromDateTimeOffset(instant.ToDateTimeOffset()), instant.ToTimestamp());
    }

    [Fact]
    public void Random_instants_round_trip()
    {
        var random = new Random(20261129);
        for (int i = 0; i < 10_000; i++)
        {
            long seconds = random.NextInt64(TimestampConversions.MinTimestampInstant.ToUnixTimeSeconds(), TimestampConversions.MaxTimestampInstant.ToUnixTimeSeconds());
            var instant = Instant.FromUnixTimeSeconds(seconds).PlusNanoseconds(random.Next(0, 1_000_000_000));

            Assert.Equal(instant, instant.ToTimestamp().ToInstant());
        }
    }

    [Fact]
    public void Instants_a_timestamp_cannot_carry_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Instant.MinValue.ToTimestamp());
        Assert.Throws<ArgumentOutOfRangeException>(() => (TimestampConversions.MinTimestampInstant - Duration.Epsilon).ToTimestamp());
    }

    [Theory]
    [InlineData(0, -1)]
    [InlineData(0, 1_000_000_000)]
    [InlineData(-62135596801, 0)] // one second before year 1
    [InlineData(253402300800, 0)] // year 10000
    public void Invalid_timestamps_from_clients_are_refused_without_throwing(long seconds, int nanos)
    {
        var timestamp = new Timestamp { Seconds = seconds, Nanos = nanos };

        Assert.False(TimestampConversions.TryToInstant(timestamp, out _));
        Assert.Throws<ArgumentException>(() => timestamp.ToInstant());
    }

    [Fact]
    public void A_missing_timestamp_is_not_an_instant()
    {
        Assert.False(TimestampConversions.TryToInstant(null, out _));
    }
}
