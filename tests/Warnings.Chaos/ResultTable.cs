using System.Globalization;
using System.Text;

namespace Warnings.Chaos;

/// <summary>The table a chaos run ends with: one row per scenario run, then what went wrong in words.</summary>
public static class ResultTable
{
    private static readonly string[] Headers =
        ["scenario", "run", "ack warnings", "ack reports", "lost", "duplicates", "dup in flight", "parked", "parked unseen", "first delivery", "audit chain", "retries"];

    public static string ToText(IReadOnlyList<ScenarioResult> results, ChaosThresholds thresholds)
    {
        var rows = results.Select(r => new[]
        {
            r.Scenario, Number(r.Run), Number(r.AcknowledgedWarnings), Number(r.AcknowledgedReports),
            r.Lost == 0 ? "0" : $"{r.Lost} ({r.LostDeliveries} deliveries, {r.LostReports} reports)",
            Number(r.Duplicates), Number(r.DuplicatesInFlight), Number(r.Parked), Number(r.ParkedUnseen),
            r.FirstDeliverySeconds is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s:0.00} s") : "none",
            r.Audit, Number(r.Retries),
        }).ToList();
        int[] widths = Headers.Select((h, i) => rows.Select(row => row[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        text.AppendLine(Line(Headers, widths));
        text.AppendLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        rows.ForEach(row => text.AppendLine(Line(row, widths)));
        foreach (var result in results)
        {
            foreach (var note in result.Notes.Concat(thresholds.Violations(result)))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {result.Scenario} #{result.Run}: {note}");
            }

            if (result.Skipped > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {result.Scenario} #{result.Run}: {result.Skipped} load starts skipped (too many calls still retrying)");
            }
        }

        return text.ToString();
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Line(IEnumerable<string> cells, int[] widths) => string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd();
}
