using System.Globalization;
using System.Text;
using ExcelDataReader;
using nietras.SeparatedValues;

namespace Warnings.Platform.Tests.Analysis;

/// <summary>Reads an export back the way a spreadsheet would: CSV with Sep, xlsx with ExcelDataReader. Rows by header.</summary>
internal static class ExportFiles
{
    public static IReadOnlyList<Row> Csv(byte[] bytes)
    {
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]); // the BOM Excel needs to read UTF-8
        using var reader = Sep.New(',').Reader(o => o with { Unescape = true }).FromText(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
        var headers = reader.Header.ColNames.ToArray();
        var rows = new List<Row>();
        foreach (var row in reader)
        {
            var cells = new Dictionary<string, object?>();
            for (int i = 0; i < headers.Length; i++)
            {
                cells[headers[i]] = row[i].ToString();
            }

            rows.Add(new Row(cells));
        }

        return rows;
    }

    /// <summary>Every sheet of a workbook by name, its first row as the headers.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<Row>> Xlsx(byte[] bytes)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        using var reader = ExcelReaderFactory.CreateReader(new MemoryStream(bytes));
        var sheets = new Dictionary<string, IReadOnlyList<Row>>();
        do
        {
            string[]? headers = null;
            var rows = new List<Row>();
            while (reader.Read())
            {
                var values = Enumerable.Range(0, reader.FieldCount).Select(reader.GetValue).ToArray();
                if (headers is null)
                {
                    headers = values.Select(v => v?.ToString() ?? "").ToArray();
                    continue;
                }

                rows.Add(new Row(headers.Select((h, i) => (h, values[i])).ToDictionary(x => x.h, x => (object?)x.Item2)));
            }

            sheets[reader.Name] = rows;
        }
        while (reader.NextResult());
        return sheets;
    }

    /// <summary>One row; a column is found by the Chinese part of its header ("应报" for "应报 Expected").</summary>
    public sealed record Row(IReadOnlyDictionary<string, object?> Cells)
    {
        public object? this[string zh] => Cells.Single(c => c.Key == zh || c.Key.StartsWith(zh + " ", StringComparison.Ordinal) || c.Key.StartsWith(zh + "(", StringComparison.Ordinal)).Value;

        public string Text(string zh) => Convert.ToString(this[zh], CultureInfo.InvariantCulture) ?? "";

        public long Long(string zh) => Convert.ToInt64(this[zh], CultureInfo.InvariantCulture);

        public double Double(string zh) => Convert.ToDouble(this[zh], CultureInfo.InvariantCulture);
    }
}
