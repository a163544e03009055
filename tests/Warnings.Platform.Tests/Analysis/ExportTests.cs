using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Platform.Tests.Cli;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Analysis;

/// <summary>
/// Exports through REST and the CLI on real RabbitMQ and Redis (the <see cref="AnalysisScenario"/>
/// incidents in 310101 and 310104): the CSV (read with Sep) and the xlsx (read with
/// ExcelDataReader) carry exactly the figures AnalysisService gives for the same period; a caller
/// scoped to a district gets that district; bad periods, files and callers get typed refusals.
/// </summary>
public sealed class ExportTests(AnalysisScenario scenario) : IClassFixture<AnalysisScenario>
{
    private static readonly Instant T0 = PlatformFixture.Now;
    private static readonly Instant From = T0 - Duration.FromDays(1), To = T0 + Duration.FromDays(2);
    private readonly RealPlatformFixture fixture = scenario.Fixture;

    private AnalysisService.AnalysisServiceClient Analyst => fixture.Platform.Client(c => new AnalysisService.AnalysisServiceClient(c), Roles.Analyst);

    private static string Query(string? district = null, string period = "") =>
        $"from={Iso(From)}&to={Iso(To)}{(district is null ? "" : $"&district={district}")}{(period.Length > 0 ? $"&period={period}" : "")}";

    private static string Iso(Instant at) => Uri.EscapeDataString(InstantPattern.ExtendedIso.Format(at));

    private static string DistrictJwt(string district) =>
        $"Bearer {TestIdentities.MintJwt($"analyst.{district}", [Roles.Analyst], DateTime.UtcNow.AddHours(1), district: district)}";

    private async Task<(HttpStatusCode Status, byte[] Body, HttpResponseMessage Response)> GetAsync(string path, string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await fixture.Platform.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response);
    }

    private Task<(HttpStatusCode Status, byte[] Body, HttpResponseMessage Response)> AsAnalystAsync(string path) =>
        GetAsync(path, $"ApiKey {TestIdentities.Keys[Roles.Analyst]}");

    private async Task<TimelinessReport> SettledTimelinessAsync(string district = "") =>
        await Eventually.Until(
            async () => await Analyst.GetTimelinessAsync(new TimelinessRequest { From = From.ToTimestamp(), To = To.ToTimestamp(), District = district }),
            r => district.Length > 0 || (r.City.Expected == 6 && r.City.Overdue == 1), "all reports in the projection");

    [Fact]
    public async Task The_csv_and_xlsx_exports_carry_the_figures_of_the_analysis_service()
    {
        var timeliness = await SettledTimelinessAsync();
        var statistics = await Analyst.GetStatisticsAsync(new StatisticsRequest { From = From.ToTimestamp(), To = To.ToTimestamp(), Period = StatisticsPeriod.Day });

        var (status, csv, response) = await AsAnalystAsync($"/v1/exports/timeliness.csv?{Query()}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("timeliness-310000-20260714-20260717.csv", response.Content.Headers.ContentDisposition?.ToString());
        AssertTimeliness(timeliness, ExportFiles.Csv(csv));

        var (xlsxStatus, xlsx, xlsxResponse) = await AsAnalystAsync($"/v1/exports/all.xlsx?{Query(period: "STATISTICS_PERIOD_DAY")}");
        Assert.Equal(HttpStatusCode.OK, xlsxStatus);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsxResponse.Content.Headers.ContentType?.MediaType);
        var sheets = ExportFiles.Xlsx(xlsx);
        Assert.Equal(["事件 Incidents", "报告 Reports", "及时性 Timeliness", "统计 Statistics"], sheets.Keys);
        AssertTimeliness(timeliness, sheets["及时性 Timeliness"]);
        AssertStatistics(statistics, sheets["统计 Statistics"]);
        AssertStatistics(statistics, ExportFiles.Csv((await AsAnalystAsync($"/v1/exports/statistics.csv?{Query(period: "STATISTICS_PERIOD_DAY")}")).Body));

        // Incidents that occurred in the period, with Shanghai wall time and the ISO instant; reports due in it.
        var incidents = sheets["事件 Incidents"];
        Assert.Equal(new[] { scenario.B, scenario.A, scenario.C }, incidents.Select(r => r.Text("事件编号")));
        var a = incidents[1];
        Assert.Equal(("310101", "黄浦区", "road_traffic", 1L), (a.Text("区划代码"), a.Text("区"), a.Text("类别"), a.Long("死亡")));
        Assert.Equal(new DateTime(2026, 7, 15, 16, 0, 0), (DateTime)a["发生时间(北京时间)"]!);
        Assert.Equal("2026-07-15T08:00:00.123456789Z", a.Text("发生时间(UTC)"));
        var csvIncidents = ExportFiles.Csv((await AsAnalystAsync($"/v1/exports/incidents.csv?{Query()}")).Body);
        Assert.Equal(incidents.Select(r => r.Text("事件编号")), csvIncidents.Select(r => r.Text("事件编号")));
        Assert.Equal("2026-07-15 16:00:00", csvIncidents[1].Text("发生时间(北京时间)"));
        Assert.Equal("TRUE", csvIncidents[2].Text("已结案"));

        var reports = sheets["报告 Reports"];
        Assert.Equal(timeliness.City.Received, reports.Count(r => r["更正第几号"] is null));
        Assert.Equal(timeliness.LateReports.Select(l => (l.IncidentId, (long)l.Sequence, l.MinutesLate)),
            reports.Where(r => (bool)r["迟报"]!).Select(r => (r.Text("事件编号"), r.Long("序号"), r.Long("迟报分钟"))));
    }

    [Fact]
    public async Task A_caller_scoped_to_a_district_exports_only_that_district()
    {
        await SettledTimelinessAsync();
        string xuhui = DistrictJwt("310104");
        var expected = await Analyst.GetTimelinessAsync(new TimelinessRequest { From = From.ToTimestamp(), To = To.ToTimestamp(), District = "310104" });

        var (status, csv, response) = await GetAsync($"/v1/exports/timeliness.csv?{Query()}", xuhui);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("timeliness-310104-", response.Content.Headers.ContentDisposition?.ToString());
        var rows = ExportFiles.Csv(csv);
        Assert.Equal(["310104", "310000"], rows.Select(r => r.Text("区划代码")));
        AssertTimeliness(expected, rows);
        var incidents = ExportFiles.Csv((await GetAsync($"/v1/exports/incidents.csv?{Query("310104")}", xuhui)).Body);
        Assert.Equal([scenario.B], incidents.Select(r => r.Text("事件编号")));

        var (refused, body, _) = await GetAsync($"/v1/exports/incidents.csv?{Query("310101")}", xuhui);
        AssertRefusal(refused, body, HttpStatusCode.Forbidden, "DISTRICT_OUT_OF_SCOPE");
    }

    [Fact]
    public async Task The_analysis_rpcs_apply_the_same_district_scope_as_the_exports()
    {
        await SettledTimelinessAsync();
        string xuhui = DistrictJwt("310104");

        var (status, json, _) = await GetAsync($"/v1/analysis:getOpenIncidents?{Query()}", xuhui);
        Assert.Equal(HttpStatusCode.OK, status);
        var open = Google.Protobuf.JsonParser.Default.Parse<OpenIncidentsReport>(System.Text.Encoding.UTF8.GetString(json));
        Assert.All(open.Incidents, i => Assert.Equal("310104", i.District));

        var (timeliness, body, _) = await GetAsync($"/v1/analysis:getTimeliness?{Query()}", xuhui);
        Assert.Equal(HttpStatusCode.OK, timeliness);
        var report = Google.Protobuf.JsonParser.Default.Parse<TimelinessReport>(System.Text.Encoding.UTF8.GetString(body));
        Assert.Equal(["310104"], report.Districts.Select(d => d.District));

        var (refused, refusal, _) = await GetAsync($"/v1/analysis:getTimeliness?{Query("310101")}", xuhui);
        AssertRefusal(refused, refusal, HttpStatusCode.Forbidden, "DISTRICT_OUT_OF_SCOPE");
    }

    [Fact]
    public async Task Bad_periods_files_and_callers_are_refused_with_typed_errors()
    {
        string analyst = $"ApiKey {TestIdentities.Keys[Roles.Analyst]}";
        var tooLong = await GetAsync($"/v1/exports/incidents.csv?from={Iso(T0 - Duration.FromDays(400))}&to={Iso(T0)}", analyst);
        Assert.Equal("to", AssertRefusal(tooLong.Status, tooLong.Body, HttpStatusCode.BadRequest, "INVALID_REQUEST"));
        var backwards = await GetAsync($"/v1/exports/incidents.csv?from={Iso(T0)}&to={Iso(T0 - Duration.FromDays(1))}", analyst);
        Assert.Equal("to", AssertRefusal(backwards.Status, backwards.Body, HttpStatusCode.BadRequest, "INVALID_REQUEST"));
        foreach (string file in new[] { "secrets.csv", "incidents.pdf", "all.csv", "incidents" })
        {
            var bad = await GetAsync($"/v1/exports/{file}?{Query()}", analyst);
            Assert.Equal("file", AssertRefusal(bad.Status, bad.Body, HttpStatusCode.BadRequest, "INVALID_REQUEST"));
        }

        var district = await GetAsync($"/v1/exports/incidents.csv?{Query("999999")}", analyst);
        Assert.Equal("district", AssertRefusal(district.Status, district.Body, HttpStatusCode.BadRequest, "INVALID_REQUEST"));
        var reporter = await GetAsync($"/v1/exports/incidents.csv?{Query()}", $"ApiKey {TestIdentities.Keys[Roles.DistrictReporter]}");
        AssertRefusal(reporter.Status, reporter.Body, HttpStatusCode.Forbidden, "ROLE_NOT_ALLOWED");
        var anonymous = await GetAsync($"/v1/exports/incidents.csv?{Query()}");
        AssertRefusal(anonymous.Status, anonymous.Body, HttpStatusCode.Unauthorized, "CREDENTIALS_MISSING");
    }

    [Fact]
    public async Task The_cli_writes_the_export_to_a_file_and_explains_a_refusal()
    {
        await SettledTimelinessAsync();
        var statistics = await Analyst.GetStatisticsAsync(new StatisticsRequest { From = From.ToTimestamp(), To = To.ToTimestamp(), Period = StatisticsPeriod.Day });
        string path = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.xlsx");
        try
        {
            var cli = new CliRunner(fixture.Platform);
            var (code, output, error) = await cli.RunAsync(Roles.Analyst, "export", "statistics", "--from", From.ToDateTimeOffset().ToString("o"), "--to", To.ToDateTimeOffset().ToString("o"),
                "--period", "day", "-o", path);
            Assert.True(code == 0, error);
            Assert.Contains($"wrote {path}", output);
            AssertStatistics(statistics, ExportFiles.Xlsx(await File.ReadAllBytesAsync(path))["统计 Statistics"]);

            var (refused, _, why) = await cli.RunAsync(Roles.Analyst, "export", "incidents", "--from", "2025-01-01", "--to", "2026-07-01", "-o", path);
            Assert.Equal(2, refused);
            Assert.Contains("--to: the period may be at most 366 days long", why);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertTimeliness(TimelinessReport expected, IReadOnlyList<ExportFiles.Row> rows)
    {
        var districts = expected.Districts.Append(expected.City).ToList();
        Assert.Equal(districts.Select(d => d.District), rows.Select(r => r.Text("区划代码")));
        foreach (var (d, row) in districts.Zip(rows))
        {
            Assert.Equal((d.Name, (long)d.Expected, (long)d.Received, (long)d.OnTime, (long)d.Late, (long)d.Overdue, d.OnTimeRate),
                (row.Text("区"), row.Long("应报"), row.Long("已报"), row.Long("按时"), row.Long("迟报"), row.Long("逾期未报"), row.Double("按时率")));
        }
    }

    private static void AssertStatistics(StatisticsReport expected, IReadOnlyList<ExportFiles.Row> rows)
    {
        Assert.NotEmpty(expected.Rows);
        Assert.Equal(expected.Rows.Count + 1, rows.Count);
        foreach (var (r, row) in expected.Rows.Zip(rows))
        {
            Assert.Equal((r.Period, r.District, r.Category, (long)r.Values.Incidents, (long)r.Values.Deaths, r.Values.DirectLossYuan, (long)r.YearEarlier.Incidents),
                (row.Text("期间"), row.Text("区划代码"), row.Text("类别"), row.Long("事件数"), row.Long("死亡"), row.Long("直接经济损失(元)"), row.Long("同期事件数")));
        }

        var total = rows[^1];
        Assert.Equal(("合计 Total", (long)expected.Total.Incidents, (long)expected.Total.Deaths), (total.Text("期间"), total.Long("事件数"), total.Long("死亡")));
    }

    /// <summary>Asserts a google.rpc.Status JSON refusal with <paramref name="reason"/>; returns the first field violation's field, if any.</summary>
    private static string? AssertRefusal(HttpStatusCode status, byte[] body, HttpStatusCode expected, string reason)
    {
        string text = System.Text.Encoding.UTF8.GetString(body);
        Assert.True(status == expected, $"{status}: {text}");
        var json = JsonNode.Parse(text)!;
        var details = json["details"]!.AsArray();
        Assert.Contains(details, d => ((string?)d!["@type"])!.EndsWith("google.rpc.ErrorInfo", StringComparison.Ordinal) && (string?)d["reason"] == reason);
        return details.FirstOrDefault(d => ((string?)d!["@type"])!.EndsWith("google.rpc.BadRequest", StringComparison.Ordinal))?["fieldViolations"]?[0]?["field"]?.GetValue<string>();
    }
}
