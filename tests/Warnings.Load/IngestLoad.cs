using System.Diagnostics;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Load;

/// <summary>
/// Incident reports end to end: accepted (committed with their event in the outbox), relayed to the
/// bus and projected by the analysis module. While the callers run, the outbox backlog and the
/// projection lag (accepted minus projected) are sampled from Redis; a rate counts as sustained only
/// if both stay bounded, and the end-to-end rate is the reports divided by the time until the last
/// one is projected.
/// </summary>
public static class IngestLoad
{
    public static async Task<IReadOnlyList<Figure>> RunAsync(PlatformChild platform, Backplane backplane, TimeSpan duration, int concurrency, Action<double> progress)
    {
        var reporter = platform.Client(c => new IncidentReportService.IncidentReportServiceClient(c), Roles.DistrictReporter);
        var db = backplane.RedisDatabase;
        string outbox = $"{backplane.KeyPrefix}:outbox:pending", projected = $"{backplane.KeyPrefix}:analysis-incident-index:all";
        long projectedBefore = await db.HashLengthAsync(projected);
        var now = SystemClock.Instance.GetCurrentInstant();
        var cpu = platform.CpuTime();
        var machine = MachineCpu.Now();
        long accepted = 0, maxBacklog = 0, maxLag = 0, lastBacklog = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                long acceptedNow = Interlocked.Read(ref accepted);
                long backlog = await db.ListLengthAsync(outbox);
                long lag = acceptedNow - (await db.HashLengthAsync(projected) - projectedBefore);
                (maxBacklog, maxLag, lastBacklog) = (Math.Max(maxBacklog, backlog), Math.Max(maxLag, lag), backlog);
                await Task.Delay(250, CancellationToken.None);
            }
        });
        long start = Stopwatch.GetTimestamp();
        var (perSecond, latencies) = await Closed.LoopAsync(concurrency, duration, async i =>
        {
            string requestId = $"load-i-{Guid.NewGuid():N}";
            await Retrying.CallAsync(() => reporter.SubmitInitialAsync(new SubmitInitialRequest
            {
                RequestId = requestId,
                Body = new ReportBody
                {
                    Category = "fire", OccurredAt = (now - Duration.FromMinutes(10)).ToTimestamp(), District = "310101", Address = "中山东一路",
                    Location = new GeoPoint { Latitude = 31.2304, Longitude = 121.4737 }, ReportingUnit = "黄浦区应急管理局", Reporter = "值班员",
                    Totals = new IncidentCounts { Deaths = 0, SeriouslyInjured = 1 }, Account = "负载测试",
                },
            }));
            Interlocked.Increment(ref accepted);
        }, progress);
        var loadEnded = Stopwatch.GetTimestamp();
        long backlogAtEnd = lastBacklog;
        await Eventually.Until(async () => await db.HashLengthAsync(projected) - projectedBefore, n => n >= accepted, "every accepted report projected", TimeSpan.FromMinutes(3));
        await sampling.CancelAsync();
        await sampler;
        double endToEnd = accepted / Stopwatch.GetElapsedTime(start).TotalSeconds;
        double lastProjectedAfter = Stopwatch.GetElapsedTime(loadEnded).TotalSeconds;
        double cpuMs = (platform.CpuTime() - cpu).TotalMilliseconds / accepted; // before the list calls below
        string machineCost = machine.PerOperationSince((int)accepted);
        string seconds = $"{(duration + (duration / 5)).TotalSeconds:0} s";
        long history = await db.ListLengthAsync($"{backplane.KeyPrefix}:incident-index:all");
        var firstPage = await ListPagesAsync(() => reporter.ListIncidentsAsync(new ListIncidentsRequest { District = "310101", PageSize = 50 }).ResponseAsync);
        var nothingMatches = await ListPagesAsync(() => reporter.ListIncidentsAsync(new ListIncidentsRequest { Category = "no-such-category", PageSize = 50 }).ResponseAsync);
        return
        [
            new("platform", "ListIncidents first page, 50 of a district's", null, firstPage.Percentile(50), firstPage.Percentile(99), $"{ListCalls} calls one after the other, {history:N0} incidents stored", null),
            new("platform", "ListIncidents page with a filter nothing matches", null, nothingMatches.Percentile(50), nothingMatches.Percentile(99), $"{ListCalls} calls, {history:N0} incidents stored", null),
            new("platform", "incident report accepted durably (SubmitInitial)", perSecond, latencies.Percentile(50), latencies.Percentile(99), $"{concurrency} concurrent callers, {seconds}; {machineCost}", cpuMs),
            new("platform", "incident reports end to end (accepted, on the bus, projected)", endToEnd, null, null,
                $"{accepted:N0} reports; outbox backlog max {maxBacklog:N0}, {backlogAtEnd:N0} at the end; projection lag max {maxLag:N0}; " +
                $"last projected {lastProjectedAfter:0.0} s after the load", cpuMs),
        ];
    }

    private const int ListCalls = 10;

    // A list page's latency on the history the ingest left behind: the work of one call is bounded by
    // the page, not by how many incidents were ever stored.
    private static async Task<Latencies> ListPagesAsync(Func<Task> call)
    {
        var latencies = new Latencies();
        for (int i = 0; i < ListCalls; i++)
        {
            long started = Stopwatch.GetTimestamp();
            await call();
            latencies.AddSince(started);
        }

        return latencies;
    }
}
