using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Warnings.Load;

public sealed record Ratio(string Name, double Platform, double Limit, string Unit)
{
    public double Value => Platform / Limit;
}

public sealed record Target(string Name, string Goal, double Measured, string Unit, bool Met);

/// <summary>The figures, the platform/limit ratios and the targets (issue 22), as markdown tables ready to paste, or JSON.</summary>
public sealed record Report(string Machine, string Platform, string Mode, double Seconds, IReadOnlyList<Figure> Figures, IReadOnlyList<Ratio> Ratios, IReadOnlyList<Target> Targets)
{
    /// <summary>This machine, as the header names it.</summary>
    public static string ThisMachine => $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0:0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";

    /// <summary>
    /// The platform build that runs, read before the run starts: its file, its version (which carries
    /// the commit it was built from unless it was built outside a git checkout; the SDK does not mark
    /// uncommitted changes) and the start of the file's SHA-256, which tells two builds of the same
    /// commit apart. With <c>--platform-dll</c> the tool and the platform can come from different
    /// commits; a run's figures belong to this one.
    /// </summary>
    public static string PlatformBuild(string dll)
    {
        try
        {
            using var file = File.OpenRead(dll);
            string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file))[..12];
            return $"{dll} ({FileVersionInfo.GetVersionInfo(dll).ProductVersion ?? "no version"}, sha256 {hash})";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{dll} (unreadable: {e.Message})";
        }
    }

    /// <summary>The report of <c>--only</c> steps: their figures alone, no ratios or targets (the limits did not run).</summary>
    public static Report OfSteps(string steps, IReadOnlyList<Figure> figures, string platformBuild, TimeSpan elapsed) =>
        new(ThisMachine, platformBuild, steps, Math.Round(elapsed.TotalSeconds, 1), figures, [], []);

    public static Report Build(IReadOnlyList<Figure> figures, long idleRss, LoadSettings settings, string platformBuild, TimeSpan elapsed, bool quick)
    {
        Figure F(string startsWith) => figures.First(f => f.Name.StartsWith(startsWith, StringComparison.Ordinal));
        var rabbitPaced = F("RabbitMQ publish -> consume");
        var rabbitConfirm = F("RabbitMQ publish with confirm");
        var noop = F("gRPC no-op");
        var at50 = F("warning issued");
        var at200 = figures.FirstOrDefault(f => f.Name.EndsWith("at 200/s", StringComparison.Ordinal)) ?? at50;
        var sustained = F("warnings to all 10 channels");
        var ingest = F("incident report accepted");
        var endToEnd = F("incident reports end to end");
        var list = F("list edit");
        var feed = F("one warning ->");
        var warm = F("first ");
        var latencyToBroker = new Ratio("issue -> all channels p99 at 200/s vs RabbitMQ publish -> consume p99 at 200/s", at200.P99Ms!.Value, rabbitPaced.P99Ms!.Value, "ms");
        var deliveriesToBroker = new Ratio("deliveries/s at the highest sustained rate (x10 channels) vs RabbitMQ confirmed publishes/s", sustained.PerSecond!.Value * 10, rabbitConfirm.PerSecond!.Value, "/s");
        var ratios = new List<Ratio>
        {
            latencyToBroker,
            deliveriesToBroker,
            new("incident reports accepted/s vs gRPC no-op calls/s", ingest.PerSecond!.Value, noop.PerSecond!.Value, "/s"),
            new("incident reports end to end/s vs gRPC no-op calls/s", endToEnd.PerSecond!.Value, noop.PerSecond!.Value, "/s"),
            new("incident report p99 vs gRPC no-op p99", ingest.P99Ms!.Value, noop.P99Ms!.Value, "ms"),
            new("list propagation p99 vs gRPC no-op p99", list.P99Ms!.Value, noop.P99Ms!.Value, "ms"),
            new($"feed to {settings.Subscribers:N0} p99 vs RabbitMQ publish -> consume p99", feed.P99Ms!.Value, rabbitPaced.P99Ms!.Value, "ms"),
            new("first 100 warnings after start p99 vs steady p99 at 50/s", warm.P99Ms!.Value, at50.P99Ms!.Value, "ms"),
        };
        var targets = new List<Target>
        {
            new("issue -> all channels p99 at 200 warnings/s", "<= 50 ms", at200.P99Ms!.Value, "ms", at200.P99Ms <= 50),
            // The issue's ratio forms of the same two targets ("the ratios matter, not absolute
            // times"): against the broker measured in the same run, so a slow moment of the machine
            // moves both sides. Shown beside the absolute ones, not instead of them.
            new("same, as a ratio to RabbitMQ publish -> consume p99", "<= 20x", latencyToBroker.Value, "x", latencyToBroker.Value <= 20),
            new("highest sustained rate to all 10 channels", ">= 400/s", sustained.PerSecond!.Value, "/s", sustained.PerSecond >= 400),
            new("same, deliveries/s as a share of RabbitMQ confirmed publishes/s", ">= 0.40", deliveriesToBroker.Value, "", deliveriesToBroker.Value >= 0.4),
            new("durable incident reports end to end", ">= 5,000/s", endToEnd.PerSecond!.Value, "/s", endToEnd.PerSecond >= 5000),
            new("incident report accepted p99", "<= 20 ms", ingest.P99Ms!.Value, "ms", ingest.P99Ms <= 20),
            new("list edit enforced by another instance p99", "<= 50 ms", list.P99Ms!.Value, "ms", list.P99Ms <= 50),
            new($"one warning to {settings.Subscribers:N0} subscribers p99{(settings.Subscribers < 10_000 ? " (target is for 10,000)" : "")}", "< 1000 ms", feed.P99Ms!.Value, "ms", feed.P99Ms < 1000),
            new("first 100 warnings after start p99 vs steady", "<= 2x", warm.P99Ms!.Value / at50.P99Ms!.Value, "x", warm.P99Ms <= 2 * at50.P99Ms),
            new("platform process resident memory idle", "< 250 MB", idleRss / 1048576.0, "MB", idleRss < 250L * 1048576),
        };
        return new Report(ThisMachine, platformBuild, quick ? "quick" : "full", Math.Round(elapsed.TotalSeconds, 1), figures, ratios, targets);
    }

    /// <summary>Markdown: readable on a terminal, pasted as is into docs/performance.md.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Warnings load run ({Mode}, {Seconds:0} s) on {Machine}, load average {LoadAverage()}, {Retrying.Count} calls retried after UNAVAILABLE");
        text.AppendLine(CultureInfo.InvariantCulture, $"Platform build: {Platform}");
        text.AppendLine();
        text.AppendLine("| | figure | per s | p50 ms | p99 ms | platform CPU ms/op | note |");
        text.AppendLine("|---|---|--:|--:|--:|--:|---|");
        foreach (var f in Figures)
        {
            text.AppendLine(Row(f));
        }

        if (Ratios.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| ratio platform / limit | platform | limit | ratio |");
            text.AppendLine("|---|--:|--:|--:|");
            foreach (var r in Ratios)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {N(r.Platform)} {r.Unit} | {N(r.Limit)} {r.Unit} | {N(r.Value, "0.00")} |");
            }
        }

        if (Targets.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| target | goal | measured | met |");
            text.AppendLine("|---|---|--:|---|");
            foreach (var t in Targets)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {t.Name} | {t.Goal} | {N(t.Measured, t.Measured < 10 ? "0.00" : "#,0.0")} {t.Unit} | {(t.Met ? "yes" : "no")} |");
            }
        }

        return text.ToString();
    }

    /// <summary>One figure as a row of the figures table.</summary>
    public static string Row(Figure f) =>
        string.Create(CultureInfo.InvariantCulture, $"| {f.Group} | {f.Name} | {N(f.PerSecond, "#,0")} | {N(f.P50Ms)} | {N(f.P99Ms)} | {N(f.CpuMsPerOp, "0.00")} | {f.Note} |");

    private static string N(double? v, string format = "#,0.0") => v is null || double.IsNaN(v.Value) ? "" : v.Value.ToString(format, CultureInfo.InvariantCulture);

    // The machine is shared: the 1-minute load average says how quiet the run was.
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
}
