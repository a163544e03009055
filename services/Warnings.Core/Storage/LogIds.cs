using System.Globalization;
using NodaTime;

namespace Warnings.Core.Storage;

/// <summary>
/// Ids of log entries, <c>{unix-ms}-{n}</c> as in Redis Streams. The in-memory store uses these
/// helpers; the Redis store does the same in Lua (see <see cref="RedisStateStore"/>).
/// </summary>
internal static class LogIds
{
    /// <summary>The id for an entry at <paramref name="at"/> after <paramref name="lastId"/>: never smaller, even if the clock went back.</summary>
    public static string Next(string? lastId, Instant at)
    {
        long ms = Math.Max(0, at.ToUnixTimeMilliseconds());
        if (lastId is null)
        {
            return Format(ms, 0);
        }

        var (lastMs, lastSeq) = Parse(lastId);
        return ms > lastMs ? Format(ms, 0) : Format(lastMs, lastSeq + 1);
    }

    public static (long Ms, long Seq) Parse(string id)
    {
        int dash = id.IndexOf('-');
        return (long.Parse(id.AsSpan(0, dash), CultureInfo.InvariantCulture), long.Parse(id.AsSpan(dash + 1), CultureInfo.InvariantCulture));
    }

    /// <summary>True when <paramref name="id"/> has the <c>{ms}-{n}</c> shape; page tokens from clients are checked with this.</summary>
    public static bool IsValid(string? id)
    {
        if (id is null)
        {
            return false;
        }

        int dash = id.IndexOf('-');
        return dash > 0
            && long.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && long.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    public static int Compare(string a, string b) => Parse(a).CompareTo(Parse(b));

    private static string Format(long ms, long seq) => string.Create(CultureInfo.InvariantCulture, $"{ms}-{seq}");
}
