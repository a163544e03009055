using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Warnings.Core.Identity;

/// <summary>
/// Bounds how fast refused credentials grow the audit log: per client address, a few entries a
/// minute are written one by one; beyond that refusals are only counted, and the next entry that
/// address gets says how many were folded into it. Anonymous callers cannot grow the chain at will,
/// and nothing refused goes unrecorded.
/// </summary>
public sealed class RefusalAuditThrottle : IDisposable
{
    private const int EntriesPerMinute = 10;
    private const int MaxTrackedAddresses = 10_000;

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = EntriesPerMinute,
            TokensPerPeriod = EntriesPerMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    private readonly ConcurrentDictionary<string, long> _folded = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether to write an entry for this refusal from <paramref name="address"/>; when true,
    /// <paramref name="folded"/> is how many earlier refusals from it were only counted.
    /// </summary>
    public bool ShouldRecord(string address, out long folded)
    {
        using var lease = _limiter.AttemptAcquire(address);
        if (lease.IsAcquired)
        {
            folded = _folded.TryRemove(address, out long count) ? count : 0;
            return true;
        }

        if (_folded.Count >= MaxTrackedAddresses && !_folded.ContainsKey(address))
        {
            address = "other addresses"; // bounded memory under a spray of addresses: fold them together
        }

        _folded.AddOrUpdate(address, 1, (_, n) => n + 1);
        folded = 0;
        return false;
    }

    /// <summary>The audit entry's target for a refusal from <paramref name="address"/> that folds in <paramref name="folded"/> earlier ones.</summary>
    public static string TargetOf(string address, long folded) =>
        folded > 0 ? $"client {address}; {folded} more refusals from it since its last entry" : $"client {address}";

    public void Dispose() => _limiter.Dispose();
}
