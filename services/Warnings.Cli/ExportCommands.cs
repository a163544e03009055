using System.CommandLine;
using System.Globalization;
using Warnings.Contracts.V1;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Warnings.Cli;

/// <summary>
/// <c>warnings export incidents|reports|timeliness|statistics|all --from --to [--district] [--format csv|xlsx] [-o file]</c>:
/// an analyst's file of a period (ExportService; the same figures as the analysis queries).
/// </summary>
internal static class ExportCommands
{
    private static readonly string[] Datasets = ["incidents", "reports", "timeliness", "statistics", "all"];

    private static readonly Argument<string> Dataset = new Argument<string>("dataset") { Description = "incidents, reports, timeliness, statistics, or all (xlsx: a sheet each)" }
        .AcceptOnlyFromAmong(Datasets);

    private static readonly Option<string?> From = new("--from") { Description = "Start of the period: a Shanghai date (2026-07-01) or an ISO 8601 time with offset (default: 30 days ago)" };
    private static readonly Option<string?> To = new("--to") { Description = "End of the period, exclusive: a Shanghai date (2026-08-01) or an ISO 8601 time (default: now)" };
    private static readonly Option<string?> District = new("--district") { Description = "Only this district (code, e.g. 310104)" };
    private static readonly Option<string?> Period = new Option<string?>("--period") { Description = "Statistics per day, month (default) or year" }.AcceptOnlyFromAmong("day", "month", "year");
    private static readonly Option<string?> Format = new Option<string?>("--format") { Description = "csv or xlsx (default: the output file's extension, else csv)" }.AcceptOnlyFromAmong("csv", "xlsx");
    private static readonly Option<string?> OutputFile = new("--output", "-o") { Description = "Where to write the file (default: {dataset}.{format} here)" };

    public static void AddTo(RootCommand root, TextWriter output, TextWriter error) =>
        WarningsCli.AddCommand(root, "export", "Export incidents, reports, timeliness or statistics of a period as CSV or xlsx", output, error, async (s, p, ct) =>
        {
            string dataset = p.GetValue(Dataset)!;
            string? path = p.GetValue(OutputFile);
            string extension = Path.GetExtension(path ?? "").TrimStart('.').ToLowerInvariant();
            string format = p.GetValue(Format) ?? (extension is "csv" or "xlsx" ? extension : dataset == "all" ? "xlsx" : "csv");
            path ??= $"{dataset}.{format}";
            var request = new ExportRequest
            {
                File = $"{dataset}.{format}", From = Instant(p.GetValue(From), "--from"), To = Instant(p.GetValue(To), "--to"), District = p.GetValue(District) ?? "",
                Period = p.GetValue(Period) switch { "day" => StatisticsPeriod.Day, "year" => StatisticsPeriod.Year, "month" => StatisticsPeriod.Month, _ => StatisticsPeriod.Unspecified },
            };
            var file = await new ExportService.ExportServiceClient(s.Invoker).ExportAsync(request, cancellationToken: ct);
            await File.WriteAllBytesAsync(path, file.Data.ToByteArray(), ct);
            await s.Output.WriteLineAsync($"wrote {path} ({file.Data.Length} bytes, {file.ContentType})");
        }, Dataset, From, To, District, Period, Format, OutputFile);

    // A bare date is the start of that day in Shanghai (UTC+8 all year), the way analysts name periods.
    private static Timestamp? Instant(string? value, string flag)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return Timestamp.FromDateTimeOffset(new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)));
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? Timestamp.FromDateTimeOffset(at)
            : throw new CliException($"{flag}: '{value}' is not a date (2026-07-01) or an ISO 8601 time");
    }
}
