using NodaTime;
using SpreadCheetah;
using SpreadCheetah.Worksheets;

namespace Warnings.Analysis.Exports;

/// <summary>
/// Tables as one .xlsx workbook, a sheet each, written with SpreadCheetah: numbers as numbers,
/// TRUE/FALSE as booleans, Shanghai wall times as date cells (sortable format), text as inline
/// strings (never formulas), the header row frozen.
/// </summary>
public static class XlsxExport
{
    public static async Task<byte[]> WriteAsync(IReadOnlyList<ExportTable> tables, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream();
        await using (var workbook = await Spreadsheet.CreateNewAsync(stream, cancellationToken: cancellationToken))
        {
            foreach (var table in tables)
            {
                var options = new WorksheetOptions { FrozenRows = 1 };
                for (int column = 1; column <= table.Headers.Count; column++)
                {
                    options.Column(column).Width = 18;
                }

                await workbook.StartWorksheetAsync(table.SheetName, options, cancellationToken);
                await workbook.AddRowAsync(table.Headers.Select(h => new DataCell(h)).ToArray(), cancellationToken);
                foreach (var row in table.Rows)
                {
                    await workbook.AddRowAsync(row.Select(Cell).ToArray(), cancellationToken);
                }
            }

            await workbook.FinishAsync(cancellationToken);
        }

        return stream.ToArray();
    }

    private static DataCell Cell(object? value) => value switch
    {
        null => new DataCell(),
        string s => new DataCell(s),
        bool b => new DataCell(b),
        int i => new DataCell(i),
        long l => new DataCell(l),
        double d => new DataCell(d),
        LocalDateTime t => new DataCell(t.ToDateTimeUnspecified()),
        _ => new DataCell(value.ToString()),
    };
}
