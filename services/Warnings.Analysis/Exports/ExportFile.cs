using Warnings.Core.Grpc;
using Warnings.Core.Identity;

namespace Warnings.Analysis.Exports;

/// <summary>The datasets an analyst can export.</summary>
public enum ExportDataset
{
    Incidents,
    Reports,
    Timeliness,
    Statistics,

    /// <summary>Every dataset, a sheet each (xlsx only).</summary>
    All,
}

public enum ExportFormat
{
    Csv,
    Xlsx,
}

/// <summary>
/// What an export request asks for and the rules it is held to: the file name
/// (<c>{dataset}.{format}</c>), the longest period, the most rows, and the district a caller may
/// export (a caller scoped to one district exports that one only).
/// </summary>
public sealed record ExportFile(ExportDataset Dataset, ExportFormat Format)
{
    /// <summary>The longest period one export covers: a year, leap day included.</summary>
    public const int MaxPeriodDays = 366;

    /// <summary>The most rows one dataset of an export holds (the file stays a few MiB).</summary>
    public const int DefaultMaxRows = 50_000;

    private static readonly string[] Datasets = ["incidents", "reports", "timeliness", "statistics", "all"];

    public string Name => $"{Dataset.ToString().ToLowerInvariant()}.{Format.ToString().ToLowerInvariant()}";

    public string ContentType => Format == ExportFormat.Csv
        ? "text/csv; charset=utf-8"
        : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Adds a violation of <c>file</c> and returns null unless <paramref name="file"/> names a dataset and a format.</summary>
    public static ExportFile? Parse(string file, FieldViolations violations)
    {
        int dot = file.LastIndexOf('.');
        string dataset = dot < 0 ? file : file[..dot], format = dot < 0 ? "" : file[(dot + 1)..];
        if (!Datasets.Contains(dataset, StringComparer.Ordinal) || format is not ("csv" or "xlsx"))
        {
            violations.Add("file", $"must be {{dataset}}.{{format}}: dataset {string.Join(", ", Datasets)}; format csv or xlsx");
            return null;
        }

        var parsed = new ExportFile(Enum.Parse<ExportDataset>(dataset, ignoreCase: true), format == "csv" ? ExportFormat.Csv : ExportFormat.Xlsx);
        if (parsed is { Dataset: ExportDataset.All, Format: ExportFormat.Csv })
        {
            violations.Add("file", "all is a workbook of every dataset: ask for all.xlsx, or one dataset as CSV");
            return null;
        }

        return parsed;
    }

    /// <summary>
    /// The district to export for <paramref name="caller"/>: what it asked for, or, for a caller
    /// scoped to one district (other than the whole city), that district; asking for another is
    /// PERMISSION_DENIED <c>DISTRICT_OUT_OF_SCOPE</c>.
    /// </summary>
    public static string DistrictFor(PlatformPrincipal caller, string requested)
    {
        if (caller.District is not { Length: > 0 } own || own == Scopes.CityWide)
        {
            return requested;
        }

        if (requested.Length == 0)
        {
            return own;
        }

        caller.RequireDistrict(requested);
        return requested;
    }

    /// <summary>INVALID_ARGUMENT <c>EXPORT_TOO_LARGE</c> when a dataset has more than <paramref name="maxRows"/> rows.</summary>
    public static void CheckRows(IEnumerable<ExportTable> tables, int maxRows)
    {
        foreach (var table in tables.Where(t => t.Rows.Count > maxRows))
        {
            new FieldViolations()
                .Add("from", $"the {table.Dataset} of this period are {table.Rows.Count} rows, more than the {maxRows} one export holds: export a shorter period or one district")
                .ThrowIfAny(TooLarge);
        }
    }

    /// <summary>The ErrorInfo reason of an export with more rows than allowed.</summary>
    public const string TooLarge = "EXPORT_TOO_LARGE";
}
