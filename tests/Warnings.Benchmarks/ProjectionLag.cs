using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Warnings.Analysis.Projections;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;
using Warnings.Reporting.Storage;
using Warnings.Testing;

namespace Warnings.Benchmarks;

/// <summary>
/// Projection lag on real RabbitMQ and Redis: the analysis module alone in this process; incident
/// documents are stored first, then one <c>IncidentReported</c> per incident is published at a fixed
/// rate, and the lag is the time from publishing the event to the projection having changed (the
/// store's nudge that the projection store sends after each change).
/// </summary>
public static class ProjectionLag
{
    public static async Task RunAsync(int perSecond, int seconds)
    {
        await using var backplane = await Backplane.CreateRealAsync();
        await using var platform = await TestPlatform.StartAsync(backplane, modules: "analysis", settings: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        var store = platform.Services.GetRequiredService<IStateStore>();
        var incidents = platform.Services.GetRequiredService<IncidentRepository>();
        var bus = platform.Services.GetRequiredService<IBus>();
        // One second's worth first, unmeasured: the first events pay for JIT, connections and channels
        // (a few hundred ms), which would otherwise be most of the p99.
        int warmUp = perSecond;
        int total = perSecond * seconds + warmUp;
        var now = SystemClock.Instance.GetCurrentInstant();

        Console.WriteLine($"storing {total} incident documents...");
        var ids = Enumerable.Range(0, total).Select(i => $"i-bench-{i:D6}").ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) =>
        {
            var timeline = new IncidentTimeline
            {
                Incident = new Incident
                {
                    Id = id, District = "310101", Category = "fire", SeverityClass = "IV", OccurredAt = now.ToTimestamp(), Totals = new IncidentCounts { Deaths = 1 },
                    Reports = 1, Revision = 1, NextReportDueAt = (now + Duration.FromHours(24)).ToTimestamp(),
                },
                Reports = { new IncidentReport { Sequence = 1, Kind = ReportKind.Initial, ReceivedAt = now.ToTimestamp(), DueAt = (now + Duration.FromHours(2)).ToTimestamp(), SeverityClass = "IV", Body = new ReportBody { Account = "benchmark" } } },
            };
            var (conditions, writes) = incidents.Create(id, timeline);
            await store.CommitAsync(conditions, writes);
        });

        var published = new ConcurrentDictionary<string, long>();
        var lags = new ConcurrentBag<double>();
        await store.SubscribeAsync(ProjectionStore.NudgeChannel, message =>
        {
            long at = Stopwatch.GetTimestamp();
            string id = message[(message.IndexOf(':') + 1)..];
            if (published.TryGetValue(id, out long sent))
            {
                lags.Add(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds);

            }
        });

        Console.WriteLine($"publishing {warmUp} (warm-up) + {total - warmUp} IncidentReported at {perSecond}/s...");
        var totals = new IncidentTotals(1, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var sends = new List<Task>(total);
        var confirms = new ConcurrentBag<double>();
        var wall = Stopwatch.StartNew();
        for (int i = 0; i < total; i++)
        {
            // Paced against the wall clock: event i goes out at i / perSecond seconds.
            var due = TimeSpan.FromSeconds((double)i / perSecond);
            if (due > wall.Elapsed)
            {
                await Task.Delay(due - wall.Elapsed);
            }

            string id = ids[i];
            if (i < warmUp)
            {
                sends.Add(bus.Publish(new IncidentReported(id, 1, "Initial", "310101", "fire", "IV", totals, now, now, now + Duration.FromHours(2), false, 0, 1)));
                continue;
            }

            published[id] = Stopwatch.GetTimestamp();
            long start = Stopwatch.GetTimestamp();
            sends.Add(bus.Publish(new IncidentReported(id, 1, "Initial", "310101", "fire", "IV", totals, now, now, now + Duration.FromHours(2), false, 0, 1))
                .ContinueWith(_ => confirms.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds), TaskScheduler.Default));
        }

        await Task.WhenAll(sends);
        double publishSeconds = wall.Elapsed.TotalSeconds;
        await Eventually.Until(() => Task.FromResult(lags.Count), n => n >= total - warmUp, "every projection updated", TimeSpan.FromMinutes(5));
        var sorted = lags.Order().ToList();
        double P(double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"projection lag: {total - warmUp} IncidentReported at {perSecond}/s after {warmUp} unmeasured (achieved {total / publishSeconds:0}/s), event published -> projection updated"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  p50 {P(50):0.0} ms   p90 {P(90):0.0} ms   p99 {P(99):0.0} ms   max {sorted[^1]:0.0} ms"));
        var confirmed = confirms.Order().ToList();
        double C(double p) => confirmed[Math.Clamp((int)Math.Ceiling(p / 100 * confirmed.Count) - 1, 0, confirmed.Count - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  GC: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} collections, {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms paused in all"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  publish confirmed after: p50 {C(50):0.0} ms   p90 {C(90):0.0} ms   p99 {C(99):0.0} ms"));
    }
}
