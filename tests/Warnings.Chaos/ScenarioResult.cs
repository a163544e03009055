using System.Diagnostics;
using Warnings.Testing;

namespace Warnings.Chaos;

/// <summary>One scenario run's outcome: the row of the table.</summary>
public sealed record ScenarioResult(
    string Scenario,
    int Run,
    int AcknowledgedWarnings,
    int AcknowledgedReports,
    int LostDeliveries,
    int LostReports,
    int Duplicates,
    int DuplicatesInFlight,
    int Parked,
    int ParkedUnseen,
    double? FirstDeliverySeconds,
    bool AuditIntact,
    string Audit,
    long Retries,
    int Skipped,
    IReadOnlyList<string> Notes)
{
    public int Lost => LostDeliveries + LostReports;

    /// <summary>A run the harness could not finish (e.g. the platform did not start again): it fails.</summary>
    public static ScenarioResult Aborted(string scenario, int run, Exception error) =>
        new(scenario, run, 0, 0, 0, 0, 0, 0, 0, 0, null, false, "not checked", 0, 0, [$"aborted: {error.GetType().Name}: {error.Message}"]);
}

/// <summary>What a run may show before it fails (the harness's exit code, the short test's assertions).</summary>
public sealed record ChaosThresholds(int MaxLost = 0, int MaxDuplicates = 0, int MaxParkedUnseen = 0, double MaxFirstDeliverySeconds = 5)
{
    public IReadOnlyList<string> Violations(ScenarioResult r)
    {
        var violations = new List<string>();
        if (r.Lost > MaxLost)
        {
            violations.Add($"{r.Scenario}: {r.Lost} lost ({r.LostDeliveries} deliveries, {r.LostReports} reports) > {MaxLost}");
        }

        if (r.Duplicates > MaxDuplicates)
        {
            violations.Add($"{r.Scenario}: {r.Duplicates} duplicate POSTs (not in flight at a kill) > {MaxDuplicates}");
        }

        if (r.ParkedUnseen > MaxParkedUnseen)
        {
            violations.Add($"{r.Scenario}: {r.ParkedUnseen} parked messages no dead letter shows > {MaxParkedUnseen}");
        }

        if (r.FirstDeliverySeconds is not { } first || first > MaxFirstDeliverySeconds)
        {
            violations.Add($"{r.Scenario}: time to first delivery after recovery {(r.FirstDeliverySeconds is { } s ? $"{s:0.0} s" : "none")} > {MaxFirstDeliverySeconds} s");
        }

        if (!r.AuditIntact)
        {
            violations.Add($"{r.Scenario}: audit chain {r.Audit}");
        }

        return violations;
    }
}

/// <summary>Reads the gateway's log: lost and duplicate deliveries, and time to first delivery after each recovery.</summary>
public static class GatewayLedger
{
    /// <summary>A duplicate whose first POST came this soon before a SIGKILL of the platform was in flight at the kill.</summary>
    public static readonly TimeSpan InFlightWindow = TimeSpan.FromSeconds(2);

    /// <summary>
    /// ...or this soon after it: the kill time is taken as the signal is sent, and a request the
    /// process had already written reaches the gateway a few milliseconds later (seen: +0.00 to +0.01 s).
    /// </summary>
    public static readonly TimeSpan SignalDelivery = TimeSpan.FromMilliseconds(250);

    public static int Delivered(IReadOnlyList<TestGateway.Received> requests, IEnumerable<string> warningIds)
    {
        var received = Pairs(requests);
        return warningIds.Sum(id => PlatformProcess.Channels.Count(channel => received.Contains((id, channel))));
    }

    public static int Lost(IReadOnlyList<TestGateway.Received> requests, IEnumerable<string> warningIds) =>
        (warningIds.Count() * PlatformProcess.Channels.Length) - Delivered(requests, warningIds);

    /// <summary>Second and later POSTs of one idempotency key: (outside the in-flight window, inside it).</summary>
    public static (int Duplicates, int InFlight) Duplicates(IReadOnlyList<TestGateway.Received> requests, IReadOnlyList<long> platformKills)
    {
        int duplicates = 0, inFlight = 0;
        foreach (var key in requests.GroupBy(r => r.IdempotencyKey).Where(g => g.Count() > 1))
        {
            long first = key.Min(r => r.ReceivedAtTicks);
            bool atKill = platformKills.Any(kill => first <= kill
                ? Stopwatch.GetElapsedTime(first, kill) <= InFlightWindow
                : Stopwatch.GetElapsedTime(kill, first) <= SignalDelivery);
            if (atKill)
            {
                inFlight += key.Count() - 1;
            }
            else
            {
                duplicates += key.Count() - 1;
            }
        }

        return (duplicates, inFlight);
    }

    /// <summary>
    /// Evidence for the report: a few duplicated keys with the time of each POST, in seconds relative to
    /// the nearest kill of the platform, Redis or the broker (negative: before it).
    /// </summary>
    public static IEnumerable<string> DescribeDuplicates(IReadOnlyList<TestGateway.Received> requests, IReadOnlyList<long> faults, long scenarioStart, int examples = 5)
    {
        var duplicated = requests.GroupBy(r => r.IdempotencyKey).Where(g => g.Count() > 1).ToList();
        if (duplicated.Count == 0)
        {
            yield break;
        }

        long Reference(long at) => faults.Count == 0 ? scenarioStart : faults.MinBy(k => Math.Abs(k - at));
        string Relative(long at) => (Stopwatch.GetElapsedTime(Reference(at), at) * (at >= Reference(at) ? 1 : -1)).TotalSeconds.ToString("+0.00;-0.00", System.Globalization.CultureInfo.InvariantCulture);
        string reference = faults.Count == 0 ? "s after the start" : "s from the nearest kill";
        yield return $"{duplicated.Count} keys POSTed more than once; e.g. ({reference}):";
        foreach (var key in duplicated.OrderBy(g => g.Min(r => r.ReceivedAtTicks)).Take(examples))
        {
            yield return $"  {key.Key}: {string.Join(", ", key.OrderBy(r => r.ReceivedAtTicks).Select(r => Relative(r.ReceivedAtTicks)))}";
        }
    }

    /// <summary>The worst, over recoveries, of "recovered to the next POST at the gateway"; null when one had none.</summary>
    public static double? FirstDeliverySeconds(IReadOnlyList<TestGateway.Received> requests, IReadOnlyList<long> recoveries)
    {
        double worst = 0;
        foreach (long recovered in recoveries)
        {
            var after = requests.Where(r => r.ReceivedAtTicks >= recovered).Select(r => r.ReceivedAtTicks).DefaultIfEmpty(long.MinValue).Min();
            if (after == long.MinValue)
            {
                return null;
            }

            worst = Math.Max(worst, Stopwatch.GetElapsedTime(recovered, after).TotalSeconds);
        }

        return worst;
    }

    // Idempotency-Key: {warning}:v{version}:{channel}
    private static HashSet<(string Warning, string Channel)> Pairs(IReadOnlyList<TestGateway.Received> requests) =>
        requests.Select(r => r.IdempotencyKey.Split(':')).Where(p => p.Length >= 3).Select(p => (p[0], p[^1])).ToHashSet();
}
