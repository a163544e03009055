using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Warnings.Load;
using Warnings.Testing;

// dotnet run -c Release --project tests/Warnings.Load -- [--quick] [--json] [--subscribers N] [--seconds N] [--ingest-seconds N]
// Needs infra/dev.sh up (real RabbitMQ and Redis on loopback). Every figure comes from this one run.
// The platform runs as its own process (two: all modules, and a second instance with the publication
// list only), so each figure can carry the platform's own CPU time per warning or report.
bool quick = args.Contains("--quick");
bool json = args.Contains("--json");
int subscribersArg = args.SkipWhile(a => a != "--subscribers").Skip(1).Select(int.Parse).FirstOrDefault();
int secondsArg = args.SkipWhile(a => a != "--seconds").Skip(1).Select(int.Parse).FirstOrDefault();
// --settle N: seconds of warnings at the first rate before the measured dispatch steps (steady state).
int settleArg = args.SkipWhile(a => a != "--settle").Skip(1).Select(int.Parse).DefaultIfEmpty(-1).First();
int ingestSecondsArg = args.SkipWhile(a => a != "--ingest-seconds").Skip(1).Select(int.Parse).FirstOrDefault();
// --only ingest|dispatch|list|feed|warm: one platform step alone (with --seconds), e.g. to profile it;
// several, comma-separated, run in that order (ingest,warm: a warm start after a history of reports;
// warm replaces the platform, so it comes last).
string? only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
string[] onlySteps = only?.Split(',') ?? [];
string[] knownSteps = ["ingest", "dispatch", "list", "feed", "warm"];
if (onlySteps.FirstOrDefault(step => !knownSteps.Contains(step)) is { } unknownStep)
{
    Console.Error.WriteLine($"--only: unknown step '{unknownStep}'; the steps are {string.Join(", ", knownSteps)}");
    return 2;
}

if (Array.IndexOf(onlySteps, "warm") is >= 0 and var warmAt && warmAt != onlySteps.Length - 1)
{
    Console.Error.WriteLine("--only: warm replaces the platform with a fresh process, so it must be the last step");
    return 2;
}

if (args.Contains("--published") && args.Contains("--platform-dll"))
{
    Console.Error.WriteLine("--published and --platform-dll both name the platform to run: give one");
    return 2;
}

// --platform-dll PATH: run that build of the platform (e.g. `infra/dev.sh publish`'s ReadyToRun bundle, app/Warnings.Platform.dll).
if (args.SkipWhile(a => a != "--platform-dll").Skip(1).FirstOrDefault() is { } platformDll)
{
    PlatformChild.Dll = Path.GetFullPath(platformDll);
}
// --published: run the build that is deployed (`infra/dev.sh publish`, ReadyToRun), published first
// into .data/publish/load (its own obj/bin, so it is incremental and leaves the development build alone).
else if (args.Contains("--published"))
{
    PlatformChild.Dll = await PublishedPlatform.PublishAsync();
}
// Named before the run: a build replaced during it would otherwise be credited with its figures.
string platformBuild = Report.PlatformBuild(PlatformChild.Dll);
// --durability always: the platform runs with Redis:Durability=Always (fsync on every write), to
// measure its cost; the server is set back to everysec at the end.
string durability = args.SkipWhile(a => a != "--durability").Skip(1).FirstOrDefault() ?? "EverySecond";
var settings = new LoadSettings(
    Duration: TimeSpan.FromSeconds(secondsArg > 0 ? secondsArg : quick ? 4 : 10),
    IngestDuration: TimeSpan.FromSeconds(ingestSecondsArg > 0 ? ingestSecondsArg : secondsArg > 0 ? secondsArg : quick ? 8 : 50),
    Concurrency: 32,
    Rates: quick ? [50, 200] : [50, 100, 200, 400],
    Burst: quick ? 300 : 1000,
    Settle: TimeSpan.FromSeconds(settleArg >= 0 ? settleArg : quick ? 15 : 30),
    Edits: quick ? 20 : 100,
    Subscribers: subscribersArg > 0 ? subscribersArg : quick ? 1000 : 10_000,
    FeedWarnings: quick ? 5 : 10,
    WarmStartWarnings: 100);
var wall = Stopwatch.StartNew();
var figures = new List<Figure>();
long idleRss;

await using (var backplane = await Backplane.CreateRealAsync())
await using (var gateway = await TestGateway.StartAsync())
{
    var platformSettings = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Warning",
        ["Identity:RateLimit:MutatingCallsPerMinute"] = "100000000",
        ["Identity:RateLimit:Burst"] = "1000000",
        ["Redis:Durability"] = durability,
    };
    foreach (var channel in PlatformLoad.Channels)
    {
        platformSettings[$"Dispatch:Gateways:{channel}:Url"] = $"{gateway.Url}/{channel}";
        platformSettings[$"Dispatch:Gateways:{channel}:Secret"] = "load";
    }

    await using var restoreFsync = new RestoreEverySecondFsync(durability);
    var platform = await PlatformChild.StartAsync(backplane, "load-main", platformSettings);
    await using var stopPlatform = platform; // replaced by a fresh process for the warm start
    await using var editor = await PlatformChild.StartAsync(backplane, "load-editor", platformSettings, modules: "publication-list");
    Console.WriteLine($"platform process {platform.ProcessId} (log {platform.LogPath}), list editor {editor.ProcessId}");
    await Task.Delay(TimeSpan.FromSeconds(2));
    idleRss = platform.ResidentBytes();
    // What the platform costs doing nothing (pollers, timers, the thread pool): the floor under every
    // CPU-per-operation figure at low rates.
    var idleCpu = platform.CpuTime();
    await Task.Delay(TimeSpan.FromSeconds(5));
    figures.Add(new("platform", "platform process CPU while idle, ms per second", null, null, null, "5 s after /readyz, no load", (platform.CpuTime() - idleCpu).TotalMilliseconds / 5));
    Console.WriteLine(Report.Row(figures[^1]));
    var load = new PlatformLoad(platform, gateway) { Settled = json ? null : Console.WriteLine };

    async Task Run(Func<Action<string, double>, Task> step)
    {
        int seen = figures.Count;
        try
        {
            await RunStep(step);
        }
        finally
        {
            // Each figure as soon as it is measured: a run cut short (or a step that fails on a
            // starved machine) still leaves its figures behind.
            foreach (var figure in figures.Skip(seen).Where(_ => !json))
            {
                Console.WriteLine(Report.Row(figure));
            }
        }
    }

    async Task RunStep(Func<Action<string, double>, Task> step)
    {
        if (json || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            // No live bar when the output is a file or a pipe: one line per finished step instead.
            var steps = new HashSet<string>();
            await step((name, _) =>
            {
                lock (steps)
                {
                    if (steps.Add(name) && !json)
                    {
                        Console.WriteLine($"[{wall.Elapsed.TotalSeconds,5:0}s] {name}...");
                    }
                }
            });
            return;
        }

        await AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                await step((name, fraction) =>
                {
                    lock (tasks)
                    {
                        if (!tasks.TryGetValue(name, out var task))
                        {
                            tasks[name] = task = context.AddTask(name, maxValue: 1);
                        }

                        task.Value = Math.Max(task.Value, fraction);
                    }
                });
                foreach (var task in tasks.Values)
                {
                    task.Value = 1;
                }
            });
    }

    async Task<Figure> WarmStart(Action<string, double> p)
    {
        var ids = await load.PrepareManyAsync(settings.WarmStartWarnings, f => p("warm start: preparing warnings", f));
        // The driver's side (its gRPC client's issuing call, its ten gateways) warmed through the instance
        // about to stop: with --only warm nothing had been delivered yet, and the figure took in the
        // driver's own first calls (~300 ms of the p99), not only the fresh platform's.
        await load.IssueAndMeasureAsync(await load.PrepareManyAsync(20, _ => { }), 50);
        await platform.StopAsync();
        long starting = Stopwatch.GetTimestamp();
        await using var fresh = await PlatformChild.StartAsync(backplane, "load-restarted", platformSettings);
        double ready = Stopwatch.GetElapsedTime(starting).TotalSeconds;
        var cpu = fresh.CpuTime();
        var freshLoad = new PlatformLoad(fresh, gateway);
        var latencies = await freshLoad.IssueAndMeasureAsync(ids, 50, f => p("warm start: first warnings at 50/s", f));
        return new("platform", $"first {ids.Count} warnings after start -> all 10 gateways at 50/s", null, latencies.Percentile(50), latencies.Percentile(99),
            $"/readyz after {ready:0.0} s", freshLoad.CpuMs(cpu, ids.Count));
    }

    if (only is not null)
    {
        Console.WriteLine($"load process {Environment.ProcessId}, platform process {platform.ProcessId}: {only} alone for {settings.Duration.TotalSeconds:0} s");
        // Several steps in order, e.g. "ingest,warm": a warm start after a history of reports.
        foreach (string step in onlySteps)
        {
            await Run(async p => figures.AddRange(step switch
            {
                "ingest" => await IngestLoad.RunAsync(platform, backplane, settings.IngestDuration, settings.Concurrency, f => p("platform: incident ingest", f)),
                "list" => [await PlatformLoad.ListPropagationAsync(editor, platform, settings.Edits, f => p("platform: list propagation", f))],
                "feed" => [await load.FeedAsync(settings.Subscribers, settings.FeedWarnings, p)],
                "warm" => [await WarmStart(p)],
                "dispatch" => await load.DispatchAsync(settings.Rates, settings.Duration, settings.Burst, settings.Settle, p),
                _ => throw new InvalidOperationException($"unknown step {step}"), // refused above
            }));
        }

        Console.WriteLine(Report.OfSteps(only, figures, platformBuild, wall.Elapsed).ToText());
        return 0;
    }

    await Run(async p => figures.AddRange(await Limits.RabbitMqAsync(backplane, settings.Duration, settings.Concurrency, 200, f => p("limit: RabbitMQ", f))));
    await Run(async p => figures.Add(await Limits.GrpcNoopAsync(settings.Duration, settings.Concurrency, f => p("limit: gRPC no-op", f))));
    await Run(async p => figures.Add(await Limits.RedisSetAsync(backplane, settings.Duration, settings.Concurrency, f => p("limit: Redis SET", f))));
    await Run(async p => figures.AddRange(await load.DispatchAsync(settings.Rates, settings.Duration, settings.Burst, settings.Settle, p)));
    await Run(async p => figures.AddRange(await IngestLoad.RunAsync(platform, backplane, settings.IngestDuration, settings.Concurrency, f => p("platform: incident ingest", f))));
    await Run(async p => figures.Add(await PlatformLoad.ListPropagationAsync(editor, platform, settings.Edits, f => p("platform: list propagation", f))));
    await Run(async p => figures.Add(await load.FeedAsync(settings.Subscribers, settings.FeedWarnings, p)));
    await Run(async p => figures.Add(await WarmStart(p)));
}

var report = Report.Build(figures, idleRss, settings, platformBuild, wall.Elapsed, quick);
Console.WriteLine(json ? JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }) : report.ToText());
return 0;

public sealed record LoadSettings(TimeSpan Duration, TimeSpan IngestDuration, int Concurrency, double[] Rates, int Burst, TimeSpan Settle, int Edits, int Subscribers, int FeedWarnings, int WarmStartWarnings);

/// <summary>After a run with <c>--durability always</c>, puts the shared dev Redis back to <c>appendfsync everysec</c>.</summary>
public sealed class RestoreEverySecondFsync(string durability) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        if (!string.Equals(durability, "Always", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Backplane.RedisPort},allowAdmin=true");
        foreach (var endpoint in redis.GetEndPoints())
        {
            await redis.GetServer(endpoint).ConfigSetAsync("appendfsync", "everysec");
        }
    }
}
