using System.Text;
using ExcelDataReader;
using Grpc.Core;
using NodaTime;
using nietras.SeparatedValues;
using Warnings.Analysis.Exports;
using Warnings.Analysis.Projections;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;

namespace Warnings.Analysis.Tests;

/// <summary>The export rules and writers alone: file names, scope, row bound, CSV quoting and BOM, the workbook's sheets.</summary>
public sealed class ExportTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 7, 15, 2, 0); // 10:00 in Shanghai
    private static readonly Dictionary<string, string> Names = new() { ["310101"] = "黄浦区", ["310104"] = "徐汇区" };

    private static IncidentFacts Incident(string id, string district, string address) =>
        new(id, district, "fire", "IV", T0, false, false, T0 + Duration.FromHours(2), false, 1, 0, 0, 1000, address, "", 31.2, 121.4,
            [new ReportFact(1, "Initial", T0 + Duration.FromMinutes(90), T0 + Duration.FromHours(1), true, 0, "IV")], [], 1);

    private static PlatformPrincipal Analyst(string? district) => new("a", new HashSet<string> { Roles.Analyst }, null, district, null, "test");

    [Theory]
    [InlineData("incidents.csv", ExportDataset.Incidents, ExportFormat.Csv)]
    [InlineData("statistics.xlsx", ExportDataset.Statistics, ExportFormat.Xlsx)]
    [InlineData("all.xlsx", ExportDataset.All, ExportFormat.Xlsx)]
    public void A_file_name_is_a_dataset_and_a_format(string file, ExportDataset dataset, ExportFormat format) =>
        Assert.Equal(new ExportFile(dataset, format), ExportFile.Parse(file, new FieldViolations()));

    [Theory]
    [InlineData("all.csv")]
    [InlineData("incidents.pdf")]
    [InlineData("../incidents.csv")]
    [InlineData("")]
    public void Other_file_names_are_violations_of_file(string file)
    {
        var violations = new FieldViolations();
        Assert.Null(ExportFile.Parse(file, violations));
        Assert.Equal("file", Assert.Single(Assert.Throws<RpcException>(() => violations.ThrowIfAny()).GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public void A_district_scoped_caller_exports_its_own_district_only()
    {
        Assert.Equal("", ExportFile.DistrictFor(Analyst(null), ""));
        Assert.Equal("310101", ExportFile.DistrictFor(Analyst(Scopes.CityWide), "310101"));
        Assert.Equal("310104", ExportFile.DistrictFor(Analyst("310104"), ""));
        Assert.Equal("310104", ExportFile.DistrictFor(Analyst("310104"), "310104"));
        var refused = Assert.Throws<RpcException>(() => ExportFile.DistrictFor(Analyst("310104"), "310101"));
        Assert.Equal((StatusCode.PermissionDenied, IdentityReasons.DistrictOutOfScope), (refused.StatusCode, refused.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!.Reason));
    }

    [Fact]
    public void More_rows_than_allowed_is_export_too_large()
    {
        var tables = new ExportDatasets([Incident("i-1", "310101", ""), Incident("i-2", "310104", "")], Scope(""), Names).Build(ExportDataset.Incidents);
        ExportFile.CheckRows(tables, 2);
        var refused = Assert.Throws<RpcException>(() => ExportFile.CheckRows(tables, 1));
        Assert.Equal((StatusCode.InvalidArgument, ExportFile.TooLarge), (refused.StatusCode, refused.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!.Reason));
    }

    [Fact]
    public void Csv_has_a_bom_rfc4180_quoting_and_no_formulas()
    {
        string address = "徐汇区\"漕溪北路\", 1号\r\n东门";
        var table = new ExportDatasets([Incident("i-1", "310104", address), Incident("i-2", "310104", "=HYPERLINK(\"x\")")], Scope(""), Names).Incidents();
        byte[] bytes = CsvExport.Write(table);

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        using var reader = Sep.New(',').Reader(o => o with { Unescape = true }).FromText(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
        var rows = new List<(string Address, string Local, string Iso, string Closed)>();
        foreach (var row in reader)
        {
            rows.Add((row["地址 Address"].ToString(), row["发生时间(北京时间) Occurred (Asia/Shanghai)"].ToString(), row["发生时间(UTC) Occurred (ISO 8601 UTC)"].ToString(), row["已结案 Closed"].ToString()));
        }

        Assert.Equal((address, "2026-07-15 10:00:00", "2026-07-15T02:00:00Z", "FALSE"), rows[0]);
        Assert.Equal("'=HYPERLINK(\"x\")", rows[1].Address);
    }

    [Fact]
    public async Task The_workbook_has_a_sheet_per_dataset_with_typed_cells()
    {
        var tables = new ExportDatasets([Incident("i-1", "310104", "=1+1")], Scope("310104"), Names).Build(ExportDataset.All);
        byte[] bytes = await XlsxExport.WriteAsync(tables);

        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        using var reader = ExcelReaderFactory.CreateReader(new MemoryStream(bytes));
        var sheets = new List<(string Name, int Rows)>();
        do
        {
            int rows = 0;
            while (reader.Read())
            {
                if (rows++ == 1 && reader.Name == "事件 Incidents")
                {
                    Assert.Equal(("i-1", new DateTime(2026, 7, 15, 10, 0, 0), 1.0, "=1+1"), (reader.GetString(0), reader.GetDateTime(5), reader.GetDouble(12), reader.GetString(17)));
                }
            }

            sheets.Add((reader.Name, rows));
        }
        while (reader.NextResult());

        // Timeliness: the district and the total row; statistics: one row and the total.
        Assert.Equal([("事件 Incidents", 2), ("报告 Reports", 2), ("及时性 Timeliness", 3), ("统计 Statistics", 3)], sheets);
    }

    private static ExportScope Scope(string district) => new(T0 - Duration.FromDays(1), T0 + Duration.FromDays(1), T0 + Duration.FromDays(2), district, StatisticsPeriod.Month);
}
