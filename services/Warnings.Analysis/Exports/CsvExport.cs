using System.Globalization;
using System.Text;
using NodaTime;

namespace Warnings.Analysis.Exports;

/// <summary>
/// A table as CSV the way Excel opens it: UTF-8 with a byte order mark (without it Excel guesses a
/// legacy code page and garbles Chinese), CRLF line ends, and RFC 4180 quoting (a field with a
/// comma, quote or line break is quoted, quotes doubled).
/// </summary>
public static class CsvExport
{
    public static byte[] Write(ExportTable table)
    {
        var text = new StringBuilder();
        Line(text, table.Headers);
        foreach (var row in table.Rows)
        {
            Line(text, row.Select(Format));
        }

        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
        return [.. utf8.GetPreamble(), .. utf8.GetBytes(text.ToString())];
    }

    /// <summary>How a cell reads in CSV: invariant numbers, TRUE/FALSE, "2026-07-15 16:30:00" wall times.</summary>
    public static string Format(object? cell) => cell switch
    {
        null => "",
        string s => Neutralised(s),
        bool b => b ? "TRUE" : "FALSE",
        LocalDateTime t => t.ToString("uuuu-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    // Text that a reporter typed (an address, an enterprise) must not become a spreadsheet formula
    // when the file is opened: a leading = + - @ or control character gets a leading apostrophe (OWASP).
    private static string Neutralised(string s) => s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + s : s;

    private static void Line(StringBuilder text, IEnumerable<string> fields)
    {
        text.AppendJoin(',', fields.Select(Quoted));
        text.Append("\r\n");
    }

    private static string Quoted(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
