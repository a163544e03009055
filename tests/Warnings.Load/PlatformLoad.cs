using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Load;

/// <summary>
/// The platform's own figures, on the same RabbitMQ and Redis as the limits, each with the platform
/// process's CPU time per warning or report.
/// </summary>
public sealed class PlatformLoad(PlatformChild platform, TestGateway gateway)
{
    public static readonly string[] Channels = ["sms", "network_sms", "cell_broadcast", "tv", "radio", "website", "social_media", "app_push", "outdoor_screen", "siren"];

    /// <summary>Told the CPU per warning of each settling window.</summary>
    public Action<string>? Settled { get; init; }

    private WarningService.WarningServiceClient Officer => platform.Client(c => new WarningService.WarningServiceClient(c), Roles.DutyOfficer);

    private WarningService.WarningServiceClient Municipal => new(platform.WithAuthorization(
        $"Bearer {TestIdentities.MintJwt("semb.load", [Roles.Approver], DateTime.UtcNow.AddHours(1), department: "SEMB")}"));

    /// <summary>
    /// Warnings issued (fast-track publish of a submitted draft) to every one of the ten channel
    /// gateways: p50/p99 of "publish call to the last channel's gateway" at each fixed rate, and the
    /// highest rate the platform sustains (warnings issued as fast as 16 callers can, divided by the
    /// time until the last delivery).
    /// </summary>
    /// <remarks>
    /// Before the measured steps the platform settles: warnings go through the whole path at the
    /// first rate for <paramref name="settle"/> (at least one second), so the figures are the steady
    /// state's, not the first minute's, when the JIT still recompiles the hot paths (the first
    /// warnings of a fresh process are the warm start figure's). The CPU per warning of each
    /// 5-second window is printed, to show when it stops falling.
    /// </remarks>
    public async Task<IReadOnlyList<Figure>> DispatchAsync(double[] rates, TimeSpan duration, int burst, TimeSpan settle, Action<string, double> progress)
    {
        // Whole 5-second windows (--settle 7 is two); none asked for still sends one second's worth.
        int settleWindows = Math.Max(1, (int)Math.Ceiling(settle.TotalSeconds / 5));
        int perWindow = settle > TimeSpan.Zero ? (int)(rates[0] * 5) : (int)rates[0];
        int needed = settleWindows * perWindow + rates.Sum(r => (int)(r * duration.TotalSeconds)) + burst;
        var drafts = new ConcurrentQueue<string>(await PrepareManyAsync(needed, p => progress("preparing warnings", p)));

        var figures = new List<Figure>();
        for (int window = 0; window < settleWindows; window++)
        {
            var cpu = platform.CpuTime();
            await IssueAndMeasureAsync(Take(drafts, perWindow), rates[0], p => progress("settling", (window + p) / settleWindows));
            Settled?.Invoke($"settling: window {window + 1} of {settleWindows}, {CpuMs(cpu, perWindow):0.0} ms platform CPU per warning at {rates[0]:0}/s");
        }

        foreach (double rate in rates)
        {
            var ids = Take(drafts, (int)(rate * duration.TotalSeconds));
            var cpu = platform.CpuTime();
            var machine = MachineCpu.Now();
            var latencies = await IssueAndMeasureAsync(ids, rate, p => progress($"warnings at {rate:0}/s", p));
            figures.Add(new("platform", $"warning issued -> all 10 channel gateways at {rate:0}/s", null, latencies.Percentile(50), latencies.Percentile(99), $"{ids.Count} warnings; {machine.PerOperationSince(ids.Count)}",
                CpuMs(cpu, ids.Count)));
        }

        var burstIds = Take(drafts, burst);
        var burstIssued = new ConcurrentDictionary<string, long>();
        var burstCpu = platform.CpuTime();
        var burstMachine = MachineCpu.Now();
        long start = Stopwatch.GetTimestamp();
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (int i = Interlocked.Increment(ref next); i < burstIds.Count; i = Interlocked.Increment(ref next))
            {
                burstIssued[burstIds[i]] = Stopwatch.GetTimestamp();
                await Retrying.CallAsync(() => Officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"load-p-{burstIds[i]}", WarningId = burstIds[i] }));
                progress("warnings as fast as possible", (double)burstIssued.Count / burstIds.Count);
            }
        })));
        var burstLatencies = await AllChannelsAsync(burstIssued);
        double lastDelivered = burstIssued.Keys.Max(id => LastReceipt(id)!.Value);
        double sustained = burst / Stopwatch.GetElapsedTime(start, (long)lastDelivered).TotalSeconds;
        figures.Add(new("platform", "warnings to all 10 channels, highest sustained rate", sustained, burstLatencies.Percentile(50), burstLatencies.Percentile(99), $"{burst} warnings from 16 callers; {burstMachine.PerOperationSince(burst)}",
            CpuMs(burstCpu, burst)));
        return figures;
    }

    /// <summary>Platform CPU milliseconds per operation since <paramref name="before"/>.</summary>
    public double CpuMs(TimeSpan before, int operations) => (platform.CpuTime() - before).TotalMilliseconds / Math.Max(1, operations);

    /// <summary><paramref name="count"/> submitted (and approved) drafts to all ten channels, ready to be issued.</summary>
    public async Task<List<string>> PrepareManyAsync(int count, Action<double> progress)
    {
        var drafts = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            drafts.Enqueue(await PrepareAsync("typhoon", Channels));
            progress((double)drafts.Count / count);
        });
        return [.. drafts];
    }

    /// <summary>Issues <paramref name="ids"/> at <paramref name="rate"/> per second: per warning, the time from the call to its last channel's gateway.</summary>
    public async Task<Latencies> IssueAndMeasureAsync(List<string> ids, double rate, Action<double>? progress = null)
    {
        var issued = new ConcurrentDictionary<string, long>();
        await IssueAsync(ids, rate, issued, progress);
        return await AllChannelsAsync(issued);
    }

    private async Task<string> PrepareAsync(string hazard, string[] channels)
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        string requestId = $"load-d-{Guid.NewGuid():N}";
        var draft = await Retrying.CallAsync(() => Officer.CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = requestId,
            Content = new WarningContent
            {
                Hazard = hazard, Level = "red", Districts = { "310101" }, Channels = { channels },
                OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(6)).ToTimestamp(),
                Texts = { new WarningText { Language = "zh-CN", Headline = "台风红色预警", Description = "台风将严重影响本市。", Instruction = "请留在室内。" } },
            },
        }));
        await Retrying.CallAsync(() => Officer.SubmitAsync(new WarningActionRequest { RequestId = $"load-s-{draft.Id}", WarningId = draft.Id }));
        if (channels.Contains("network_sms"))
        {
            await Retrying.CallAsync(() => Municipal.ApproveNetworkSmsAsync(new WarningActionRequest { RequestId = $"load-a-{draft.Id}", WarningId = draft.Id }));
        }

        return draft.Id;
    }

    private static List<string> Take(ConcurrentQueue<string> queue, int count)
    {
        var taken = new List<string>(count);
        while (taken.Count < count && queue.TryDequeue(out var id))
        {
            taken.Add(id);
        }

        return taken;
    }

    private Task IssueAsync(List<string> ids, double rate, ConcurrentDictionary<string, long>? issued, Action<double>? progress = null) =>
        Paced.RunAsync(rate, TimeSpan.FromSeconds(ids.Count / rate), async i =>
        {
            issued?.TryAdd(ids[i], Stopwatch.GetTimestamp());
            await Retrying.CallAsync(() => Officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"load-p-{ids[i]}", WarningId = ids[i] }));
            _answered[ids[i]] = Stopwatch.GetTimestamp();
        }, progress);

    // "Issued to the last of its ten gateways", per warning.
    private async Task<Latencies> AllChannelsAsync(ConcurrentDictionary<string, long> issued)
    {
        await Eventually.Until(() => Task.FromResult(issued.Keys.Count(id => LastReceipt(id) is not null)), n => n == issued.Count, "every channel of every warning", TimeSpan.FromMinutes(5));
        var latencies = new Latencies();
        // WARNINGS_LOAD_TRACE=<file>: each warning's timeline (ms from the first issue: issued, answered
        // after, first and last channel received), to see where a run's slow warnings waited.
        if (Environment.GetEnvironmentVariable("WARNINGS_LOAD_TRACE") is { } trace)
        {
            long first = issued.Values.Min();
            File.WriteAllLines(trace, issued.OrderBy(e => e.Value).Select(e =>
            {
                var ch = _receipts[e.Key].Values.Select(t => Stopwatch.GetElapsedTime(first, t).TotalMilliseconds).ToList();
                return $"{Stopwatch.GetElapsedTime(first, e.Value).TotalMilliseconds:0} answered+{Stopwatch.GetElapsedTime(e.Value, _answered.GetValueOrDefault(e.Key)).TotalMilliseconds:0} firstch {ch.Min():0} lastch {ch.Max():0}";
            }));
        }

        foreach (var (id, at) in issued)
        {
            latencies.Add(Stopwatch.GetElapsedTime(at, (long)LastReceipt(id)!.Value).TotalMilliseconds);
        }

        return latencies;
    }

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, long>> _receipts = new();
    private readonly ConcurrentDictionary<string, long> _answered = new();
    private int _receiptsSeen;

    private double? LastReceipt(string warningId)
    {
        // Index the gateway's log incrementally: it only grows.
        var requests = gateway.Requests;
        for (int i = _receiptsSeen; i < requests.Count; i++)
        {
            var parts = requests[i].IdempotencyKey.Split(':');
            _receipts.GetOrAdd(parts[0], _ => new()).TryAdd(parts[^1], requests[i].ReceivedAtTicks);
        }

        _receiptsSeen = requests.Count;
        return _receipts.TryGetValue(warningId, out var channels) && channels.Count >= Channels.Length ? channels.Values.Max() : null;
    }

    /// <summary>A grant suspended or re-activated through one instance, until another instance's decision reflects it.</summary>
    public static async Task<Figure> ListPropagationAsync(PlatformChild editorPlatform, PlatformChild enforcerPlatform, int edits, Action<double> progress)
    {
        var editor = editorPlatform.Client(c => new PublicationListService.PublicationListServiceClient(c), Roles.ListAdmin);
        var enforcer = enforcerPlatform.Client(c => new PublicationListService.PublicationListServiceClient(c), Roles.DutyOfficer);
        var now = SystemClock.Instance.GetCurrentInstant();
        var check = new CheckRequest
        {
            Department = "SMB", Hazard = "gale", Level = "yellow", Areas = { "310101" }, Channels = { "website" },
            OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(6)).ToTimestamp(), Languages = { "zh-CN" },
        };
        var grant = await editor.GetGrantAsync(new GetGrantRequest { Id = "smb-gale" });
        long version = (await editor.GetListAsync(new GetListRequest())).Version;
        var latencies = new Latencies();
        var editCalls = new Latencies();
        for (int i = 0; i < edits; i++)
        {
            bool suspend = i % 2 == 0;
            long start = Stopwatch.GetTimestamp();
            version = suspend
                ? (await editor.SuspendGrantAsync(new ChangeGrantStatusRequest { RequestId = $"load-l-{Guid.NewGuid():N}", ExpectedVersion = version, GrantId = grant.Id, Reason = "load test" })).Version
                : (await editor.UpsertGrantAsync(new UpsertGrantRequest { RequestId = $"load-l-{Guid.NewGuid():N}", ExpectedVersion = version, Grant = grant, Reason = "load test" })).Version;
            editCalls.AddSince(start);
            while ((await enforcer.CheckAsync(check)).Allowed == suspend)
            {
            }

            latencies.AddSince(start);
            progress((double)(i + 1) / edits);
        }

        return new("platform", "list edit -> enforced by a second instance", null, latencies.Percentile(50), latencies.Percentile(99),
            $"{edits} edits; the edit call alone p50 {editCalls.Percentile(50):0.0} ms, p99 {editCalls.Percentile(99):0.0} ms");
    }

    /// <summary>One warning to <paramref name="subscribers"/> gRPC feed subscribers (100 streams per HTTP/2 connection).</summary>
    public async Task<Figure> FeedAsync(int subscribers, int warnings, Action<string, double> progress)
    {
        await using var feeds = FeedSubscribers.Open(platform.GrpcAddress, subscribers);
        var ids = new List<string>();
        for (int i = 0; i <= warnings; i++)
        {
            ids.Add(await PrepareAsync("typhoon", ["partner_feed"]));
        }

        // The first warning is the warm-up: once every subscriber has it, every stream is live.
        var perReceipt = new Latencies();
        for (int i = 0; i < ids.Count; i++)
        {
            long issued = Stopwatch.GetTimestamp();
            await Retrying.CallAsync(() => Officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"load-f-{ids[i]}", WarningId = ids[i] }));
            var bag = await feeds.AllReceivedAsync(ids[i], subscribers, TimeSpan.FromMinutes(5));
            if (i > 0)
            {
                foreach (long at in bag)
                {
                    perReceipt.Add(Stopwatch.GetElapsedTime(issued, at).TotalMilliseconds);
                }
            }

            progress($"feed to {subscribers} subscribers", (double)(i + 1) / ids.Count);
        }

        return new("platform", $"one warning -> {subscribers:N0} feed subscribers", null, perReceipt.Percentile(50), perReceipt.Percentile(99), $"{warnings} warnings, every receipt");
    }
}
