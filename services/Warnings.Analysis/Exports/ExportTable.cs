using NodaTime;

namespace Warnings.Analysis.Exports;

/// <summary>
/// One dataset as rows of typed cells, written alike to CSV and to an .xlsx sheet. A cell is a
/// string, a long, a double, a bool, a <see cref="LocalDateTime"/> (Asia/Shanghai wall time) or
/// null (empty); headers are "中文 English" so one file serves both readers.
/// </summary>
public sealed record ExportTable(string Dataset, string SheetName, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<object?>> Rows);

/// <summary>The two renderings of an instant every export gives: Shanghai wall time, and the ISO 8601 UTC instant.</summary>
public static class ExportTime
{
    public static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>The headers of an instant column pair.</summary>
    public static string[] Headers(string zh, string en) => [$"{zh}(北京时间) {en} (Asia/Shanghai)", $"{zh}(UTC) {en} (ISO 8601 UTC)"];

    /// <summary>The cells of an instant column pair (both empty for no instant): wall time to the second, the instant in full.</summary>
    public static object?[] Cells(Instant? at) => at is { } value
        ? [value.InZone(Shanghai).LocalDateTime.With(TimeAdjusters.TruncateToSecond), NodaTime.Text.InstantPattern.ExtendedIso.Format(value)]
        : [null, null];
}
