using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Benchmarks;

/// <summary>
/// One warning to N concurrent feed subscribers, on real RabbitMQ and Redis. The platform runs as
/// its own process (all modules), so its resident memory is its own; this process holds the N gRPC
/// streams (100 per HTTP/2 connection) and, for each warning published through the fast-track,
/// measures the time from the publish call to each subscriber receiving it.
/// </summary>
public static class FeedFanout
{
    public static async Task RunAsync(int subscribers, int warnings)
    {
        await using var backplane = await Backplane.CreateRealAsync();
        int grpcPort = FreePort(), httpPort = FreePort();
        var settings = new Dictionary<string, string?>(backplane.Settings)
        {
            ["Platform:GrpcUrl"] = $"http://127.0.0.1:{grpcPort}",
            ["Platform:HttpUrl"] = $"http://127.0.0.1:{httpPort}",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Feeds:SubscriberBuffer"] = "256",
        };
        foreach (var (key, value) in TestIdentities.Settings)
        {
            settings[key] = value;
        }

        var start = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "Warnings.Platform.dll")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var platform = Process.Start(start)!;
        platform.OutputDataReceived += (_, _) => { };
        platform.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"platform: {e.Data}"); };
        platform.BeginOutputReadLine();
        platform.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient();
            await Eventually.Until(async () => { try { return (await http.GetAsync($"http://127.0.0.1:{httpPort}/readyz")).IsSuccessStatusCode; } catch (HttpRequestException) { return false; } }, ok => ok, "the platform to be ready");
            await Task.Delay(2000);
            long idleRss = ResidentBytes(platform.Id);

            string address = $"http://127.0.0.1:{grpcPort}";
            using var officerChannel = GrpcChannel.ForAddress(address);
            var officer = new WarningService.WarningServiceClient(Authorized(officerChannel, Roles.DutyOfficer));
            await using var feeds = FeedSubscribers.Open(address, subscribers);

            // A warm-up warning every subscriber must receive: then every stream is registered.
            var warmUp = await PublishAsync(officer);
            Console.WriteLine($"{subscribers} subscribers opening...");
            await feeds.AllReceivedAsync(warmUp.Id, subscribers, TimeSpan.FromMinutes(5));
            long loadedRss = ResidentBytes(platform.Id);

            var perReceipt = new List<double>();
            var toLast = new List<double>();
            for (int w = 0; w < warnings; w++)
            {
                long issued = Stopwatch.GetTimestamp();
                var warning = await PublishAsync(officer);
                var bag = await feeds.AllReceivedAsync(warning.Id, subscribers, TimeSpan.FromMinutes(2));
                var latencies = bag.Select(t => Stopwatch.GetElapsedTime(issued, t).TotalMilliseconds).ToList();
                perReceipt.AddRange(latencies);
                toLast.Add(latencies.Max());
                await Task.Delay(500);
            }

            long peakRss = PeakResidentBytes(platform.Id);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"feed fan-out: {subscribers} subscribers, {warnings} warnings, publish call -> received"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  per subscriber   p50 {Percentile(perReceipt, 50):0.0} ms   p99 {Percentile(perReceipt, 99):0.0} ms"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  to the last one  p50 {Percentile(toLast, 50):0.0} ms   p99 {Percentile(toLast, 99):0.0} ms   max {toLast.Max():0.0} ms"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  platform RSS     idle {idleRss / 1048576.0:0} MiB   with subscribers {loadedRss / 1048576.0:0} MiB   peak {peakRss / 1048576.0:0} MiB"));
        }
        finally
        {
            platform.Kill(entireProcessTree: true);
            await platform.WaitForExitAsync();
        }
    }

    private static async Task<Warning> PublishAsync(WarningService.WarningServiceClient officer)
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        var draft = await officer.CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = $"fan-d-{Guid.NewGuid():N}",
            Content = new WarningContent
            {
                Hazard = "typhoon", Level = "red", Districts = { "310101" }, Channels = { "partner_feed" },
                OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(6)).ToTimestamp(),
                Texts = { new WarningText { Language = "zh-CN", Headline = "台风红色预警", Description = "台风将严重影响本市。", Instruction = "请留在室内。" } },
            },
        });
        return await officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"fan-p-{Guid.NewGuid():N}", WarningId = draft.Id });
    }

    private static CallInvoker Authorized(GrpcChannel channel, string role) => channel.Intercept(metadata =>
    {
        metadata.Add("authorization", $"ApiKey {TestIdentities.Keys[role]}");
        return metadata;
    });

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static long ResidentBytes(int pid) => StatusKiB(pid, "VmRSS:") * 1024;

    private static long PeakResidentBytes(int pid) => StatusKiB(pid, "VmHWM:") * 1024;

    private static long StatusKiB(int pid, string field) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
