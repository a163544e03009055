using System.Globalization;
using System.Text;

namespace Warnings.Load;

public sealed record Ratio(string Name, double Platform, double Limit, string Unit)
{
    public double Value => Platform / Limit;
}

public sealed record Target(string Name, string Goal, double Measured, string Unit, bool Met);

/// <summary>The figures, the platform/limit ratios and the targets, as a table or JSON.</summary>
public sealed record Report(string Machine, string Mode, double Seconds, IReadOnlyList<Figure> Figures, IReadOnlyList<Ratio> Ratios, IReadOnlyList<Target> Targets)
{
    public static Report Build(IReadOnlyList<Figure> figures, long idleRss, LoadSettings settings, TimeSpan elapsed, bool quick)
    {
        Figure F(string startsWith) => figures.First(f => f.Name.StartsWith(startsWith, StringComparison.Ordinal));
        var rabbitPaced = F("RabbitMQ publish -> consume");
        var rabbitConfirm = F("RabbitMQ publish with confirm");
        var noop = F("gRPC no-op");
        var at200 = figures.FirstOrDefault(f => f.Name.EndsWith("at 200/s", StringComparison.Ordinal)) ?? F("warning issued");
        var sustained = F("warnings to all 10 channels");
        var ingest = F("incident report");
        var list = F("list edit");
        var feed = F("one warning ->");
        var ratios = new List<Ratio>
        {
            new("issue -> all channels p99 at 200/s vs RabbitMQ publish -> consume p99 at 200/s", at200.P99Ms!.Value, rabbitPaced.P99Ms!.Value, "ms"),
            new("deliveries/s at the highest sustained rate (x10 channels) vs RabbitMQ confirmed publishes/s", sustained.PerSecond!.Value * 10, rabbitConfirm.PerSecond!.Value, "/s"),
            new("incident reports/s vs gRPC no-op calls/s", ingest.PerSecond!.Value, noop.PerSecond!.Value, "/s"),
            new("incident report p99 vs gRPC no-op p99", ingest.P99Ms!.Value, noop.P99Ms!.Value, "ms"),
            new("list propagation p99 vs gRPC no-op p99", list.P99Ms!.Value, noop.P99Ms!.Value, "ms"),
            new($"feed to {settings.Subscribers:N0} p99 vs RabbitMQ publish -> consume p99", feed.P99Ms!.Value, rabbitPaced.P99Ms!.Value, "ms"),
        };
        var targets = new List<Target>
        {
            new("issue -> all channels p99 at 200 warnings/s", "< 25 ms", at200.P99Ms!.Value, "ms", at200.P99Ms < 25),
            new("incident ingest vs no-op gRPC throughput", ">= 40 %", 100 * ingest.PerSecond!.Value / noop.PerSecond!.Value, "%", ingest.PerSecond >= 0.4 * noop.PerSecond),
            new("list propagation p99", "< 100 ms", list.P99Ms!.Value, "ms", list.P99Ms < 100),
            new($"one warning to {settings.Subscribers:N0} subscribers p99{(settings.Subscribers < 10_000 ? " (target is for 10,000)" : "")}", "< 1000 ms", feed.P99Ms!.Value, "ms", feed.P99Ms < 1000),
            new("resident memory idle (in-process platform + load tool)", "< 250 MB", idleRss / 1048576.0, "MB", idleRss < 250L * 1048576),
        };
        string machine = $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0:0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
        return new Report(machine, quick ? "quick" : "full", Math.Round(elapsed.TotalSeconds, 1), figures, ratios, targets);
    }

    public string ToText()
    {
        var text = new StringBuilder();
        string N(double? v, string format = "0.0") => v is null || double.IsNaN(v.Value) ? "-" : v.Value.ToString(format, CultureInfo.InvariantCulture);
        text.AppendLine(CultureInfo.InvariantCulture, $"Warnings load run ({Mode}, {Seconds:0} s) on {Machine}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"",-9}{"figure",-72}{"per s",10}{"p50 ms",9}{"p99 ms",9}  note");
        foreach (var f in Figures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{f.Group,-9}{f.Name,-72}{N(f.PerSecond, "0"),10}{N(f.P50Ms),9}{N(f.P99Ms),9}  {f.Note}");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"ratio platform / limit",-96}{"platform",10}{"limit",10}{"ratio",8}");
        foreach (var r in Ratios)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{r.Name,-96}{N(r.Platform),10}{N(r.Limit),10}{N(r.Value, "0.00"),8}");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"target",-72}{"goal",-11}{"measured",12}  met");
        foreach (var t in Targets)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{t.Name,-72}{t.Goal,-11}{N(t.Measured) + " " + t.Unit,12}  {(t.Met ? "yes" : "NO")}");
        }

        return text.ToString();
    }
}
