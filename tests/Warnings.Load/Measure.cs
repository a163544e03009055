using System.Diagnostics;

namespace Warnings.Load;

/// <summary>One measured figure: a throughput, latencies, or both, and what each operation cost the platform process in CPU time.</summary>
public sealed record Figure(string Group, string Name, double? PerSecond, double? P50Ms, double? P99Ms, string Note = "", double? CpuMsPerOp = null);

/// <summary>Latencies collected from many tasks at once, and the percentiles of them.</summary>
public sealed class Latencies
{
    private readonly List<double> _ms = [];

    public int Count
    {
        get
        {
            lock (_ms)
            {
                return _ms.Count;
            }
        }
    }

    public void Add(double ms)
    {
        lock (_ms)
        {
            _ms.Add(ms);
        }
    }

    public void AddSince(long startTimestamp) => Add(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);

    public double Percentile(double p)
    {
        lock (_ms)
        {
            if (_ms.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _ms.Order().ToList();
            return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
        }
    }
}

public static class Closed
{
    /// <summary>
    /// Runs <paramref name="call"/> from <paramref name="concurrency"/> loops for <paramref name="duration"/>
    /// (after a warm-up of a fifth of it, not counted): completed calls per second and their latencies.
    /// </summary>
    public static async Task<(double PerSecond, Latencies Latencies)> LoopAsync(int concurrency, TimeSpan duration, Func<int, Task> call, Action<double>? progress = null)
    {
        var warmUpEnd = DateTime.UtcNow + (duration / 5);
        var end = warmUpEnd + duration;
        var latencies = new Latencies();
        long counted = 0;
        long measuredStart = 0;
        int sequence = 0;
        var loops = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (DateTime.UtcNow < end)
            {
                long start = Stopwatch.GetTimestamp();
                await call(Interlocked.Increment(ref sequence));
                if (DateTime.UtcNow >= warmUpEnd)
                {
                    Interlocked.CompareExchange(ref measuredStart, start, 0);
                    latencies.AddSince(start);
                    Interlocked.Increment(ref counted);
                }
            }
        })).ToList();
        while (!Task.WhenAll(loops).IsCompleted)
        {
            progress?.Invoke(Math.Min(1, 1 - ((end - DateTime.UtcNow) / (duration + (duration / 5)))));
            await Task.WhenAny(Task.WhenAll(loops), Task.Delay(200));
        }

        await Task.WhenAll(loops);
        return (Interlocked.Read(ref counted) / Stopwatch.GetElapsedTime(Interlocked.Read(ref measuredStart)).TotalSeconds, latencies);
    }
}
