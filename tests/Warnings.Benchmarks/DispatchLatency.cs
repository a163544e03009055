using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;

namespace Warnings.Benchmarks;

/// <summary>
/// Issue-to-gateway latency on real RabbitMQ and Redis: one platform (all modules) in this process,
/// a real HTTP gateway on loopback for all ten channels, red warnings published by the fast-track at
/// a steady rate; for every channel, the time from the publish call to the gateway receiving it.
/// </summary>
public static class DispatchLatency
{
    private static readonly string[] Channels = ["sms", "network_sms", "cell_broadcast", "tv", "radio", "website", "social_media", "app_push", "outdoor_screen", "siren"];

    public static async Task RunAsync(int warnings, double perSecond)
    {
        // One second's worth first, unmeasured: the first warnings pay for JIT, connections and
        // channels (a few hundred ms), which would otherwise be most of the p99.
        int warmUp = Math.Max(10, (int)perSecond);
        warnings += warmUp;
        await using var backplane = await Backplane.CreateRealAsync();
        await using var gateway = await TestGateway.StartAsync();
        var settings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" };
        foreach (var channel in Channels)
        {
            settings[$"Dispatch:Gateways:{channel}:Url"] = $"{gateway.Url}/{channel}";
            settings[$"Dispatch:Gateways:{channel}:Secret"] = "benchmark";
        }

        await using var platform = await TestPlatform.StartAsync(backplane, settings: settings);
        var officer = platform.Client(c => new WarningService.WarningServiceClient(c), Warnings.Core.Identity.Roles.DutyOfficer);
        var municipal = new WarningService.WarningServiceClient(platform.WithAuthorization(
            $"Bearer {TestIdentities.MintJwt("semb.bench", [Warnings.Core.Identity.Roles.Approver], DateTime.UtcNow.AddHours(1), department: "SEMB")}"));

        // Submitted warnings first (with the municipal approval network-wide SMS needs), so the measured call is the publication alone.
        var drafts = new List<string>();
        var now = SystemClock.Instance.GetCurrentInstant();
        for (int i = 0; i < warnings; i++)
        {
            var draft = await officer.CreateDraftAsync(new CreateDraftRequest
            {
                RequestId = $"bench-draft-{i}",
                Content = new WarningContent
                {
                    Hazard = "typhoon", Level = "red", Districts = { "310101" }, Channels = { Channels },
                    OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(6)).ToTimestamp(),
                    Texts = { new WarningText { Language = "zh-CN", Headline = "台风红色预警", Description = "台风将严重影响本市。", Instruction = "请留在室内。" } },
                },
            });
            await officer.SubmitAsync(new WarningActionRequest { RequestId = $"bench-submit-{i}", WarningId = draft.Id });
            await municipal.ApproveNetworkSmsAsync(new WarningActionRequest { RequestId = $"bench-approve-{i}", WarningId = draft.Id });
            drafts.Add(draft.Id);
        }

        var issuedAt = new Dictionary<string, long>();
        var calls = new List<Task>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / perSecond));
        var wall = Stopwatch.StartNew();
        foreach (var id in drafts)
        {
            await timer.WaitForNextTickAsync();
            lock (issuedAt)
            {
                issuedAt[id] = Stopwatch.GetTimestamp();
            }

            calls.Add(officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"bench-publish-{id}", WarningId = id }).ResponseAsync);
        }

        await Task.WhenAll(calls);
        var measured = drafts.Skip(warmUp).ToHashSet();
        int expected = drafts.Count * Channels.Length;
        await Eventually.Until(() => Task.FromResult(gateway.Requests.Count(r => r.IdempotencyKey.Contains(":v1:"))), n => n >= expected, "every channel of every warning", TimeSpan.FromMinutes(5));
        wall.Stop();

        Console.WriteLine($"{measured.Count} red warnings x {Channels.Length} channels at {perSecond}/s after {warmUp} unmeasured, on real RabbitMQ + Redis ({wall.Elapsed.TotalSeconds:0.0} s)");
        Console.WriteLine($"{"channel",-16}{"p50 ms",10}{"p99 ms",10}{"max ms",10}");
        var all = new List<double>();
        foreach (var channel in Channels)
        {
            var latencies = gateway.For(channel)
                .Where(r => r.IdempotencyKey.Contains(":v1:") && measured.Contains(r.IdempotencyKey.Split(':')[0]))
                .GroupBy(r => r.IdempotencyKey.Split(':')[0])
                .Select(g => Stopwatch.GetElapsedTime(issuedAt[g.Key], g.Min(r => r.ReceivedAtTicks)).TotalMilliseconds)
                .Order().ToList();
            all.AddRange(latencies);
            Console.WriteLine($"{channel,-16}{Percentile(latencies, 0.50),10:0.0}{Percentile(latencies, 0.99),10:0.0}{latencies[^1],10:0.0}");
        }

        all.Sort();
        Console.WriteLine($"{"all",-16}{Percentile(all, 0.50),10:0.0}{Percentile(all, 0.99),10:0.0}{all[^1],10:0.0}");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
