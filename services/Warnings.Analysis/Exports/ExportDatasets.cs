using Warnings.Analysis.Projections;
using Warnings.Analysis.Queries;
using Warnings.Contracts.V1;

namespace Warnings.Analysis.Exports;

/// <summary>
/// The export tables, computed by the same queries that answer AnalysisService (Timeliness,
/// Statistics and their selections) from the same projections, so a file and the RPC of the same
/// period agree figure for figure.
/// </summary>
public sealed class ExportDatasets(IReadOnlyList<IncidentFacts> incidents, ExportScope scope, IReadOnlyDictionary<string, string> names)
{
    private readonly IReadOnlyList<IncidentFacts> _incidents = incidents.Where(i => scope.District.Length == 0 || i.District == scope.District).ToList();

    public IReadOnlyList<ExportTable> Build(ExportDataset dataset) => dataset switch
    {
        ExportDataset.Incidents => [Incidents()],
        ExportDataset.Reports => [Reports()],
        ExportDataset.Timeliness => [Timeliness()],
        ExportDataset.Statistics => [Statistics()],
        _ => [Incidents(), Reports(), Timeliness(), Statistics()],
    };

    /// <summary>Incidents that occurred in the period (the ones the statistics count), oldest first.</summary>
    public ExportTable Incidents()
    {
        string[] headers =
        [
            "事件编号 Incident ID", "区划代码 District code", "区 District", "类别 Category", "等级 Severity class",
            .. ExportTime.Headers("发生时间", "Occurred"), "已结案 Closed", "逾期 Overdue", .. ExportTime.Headers("下次报告截止", "Next report due"),
            "报告数 Reports", "死亡 Deaths", "失踪 Missing", "重伤 Seriously injured", "直接经济损失(元) Direct loss (CNY)", "已上报市级 Escalated to municipal",
            "地址 Address", "企业 Enterprise", "纬度 Latitude", "经度 Longitude",
        ];
        var rows = Queries.Statistics.OccurredIn(_incidents, scope.From, scope.To).OrderBy(i => i.OccurredAt).ThenBy(i => i.Id, StringComparer.Ordinal)
            .Select(i => (IReadOnlyList<object?>)
            [
                i.Id, i.District, Name(i.District), i.Category, i.SeverityClass, .. ExportTime.Cells(i.OccurredAt), i.Closed, i.Overdue, .. ExportTime.Cells(i.NextReportDueAt),
                (long)i.Reports.Count, (long)i.Deaths, (long)i.Missing, (long)i.SeriouslyInjured, i.DirectLossYuan, i.EscalatedToMunicipal,
                i.Address, i.Enterprise, i.Latitude, i.Longitude,
            ]).ToList();
        return new ExportTable("incidents", "事件 Incidents", headers, rows);
    }

    /// <summary>Reports due in the period (the ones the timeliness counts; corrections listed, not counted), by due time.</summary>
    public ExportTable Reports()
    {
        string[] headers =
        [
            "事件编号 Incident ID", "区划代码 District code", "区 District", "序号 Sequence", "类型 Kind", "更正第几号 Corrects report",
            "等级 Severity class", .. ExportTime.Headers("应报时间", "Due"), .. ExportTime.Headers("收到时间", "Received"), "迟报 Late", "迟报分钟 Minutes late",
        ];
        var rows = _incidents.SelectMany(i => Queries.Timeliness.ReportsDue(i, scope.From, scope.To).Select(r => (Incident: i, Report: r)))
            .OrderBy(x => x.Report.DueAt).ThenBy(x => x.Incident.Id, StringComparer.Ordinal).ThenBy(x => x.Report.Sequence)
            .Select(x => (IReadOnlyList<object?>)
            [
                x.Incident.Id, x.Incident.District, Name(x.Incident.District), (long)x.Report.Sequence, x.Report.Kind, x.Report.Corrects == 0 ? null : (long)x.Report.Corrects,
                x.Report.SeverityClass, .. ExportTime.Cells(x.Report.DueAt), .. ExportTime.Cells(x.Report.ReceivedAt), x.Report.Late,
                x.Report.Late ? (long)(x.Report.ReceivedAt - x.Report.DueAt).TotalMinutes : 0L,
            ]).ToList();
        return new ExportTable("reports", "报告 Reports", headers, rows);
    }

    /// <summary>The timeliness per district (every district of the scope), then the city (or scope) total: GetTimeliness's answer.</summary>
    public ExportTable Timeliness()
    {
        var report = Queries.Timeliness.Compute(_incidents, scope.From, scope.To, scope.Now, scope.District, names);
        string[] headers =
        [
            "区划代码 District code", "区 District", "应报 Expected", "已报 Received", "按时 On time", "迟报 Late", "逾期未报 Overdue", "按时率 On-time rate",
        ];
        var rows = report.Districts.Append(report.City).Select(d => (IReadOnlyList<object?>)
        [
            d.District, d.Name, (long)d.Expected, (long)d.Received, (long)d.OnTime, (long)d.Late, (long)d.Overdue, d.OnTimeRate,
        ]).ToList();
        return new ExportTable("timeliness", "及时性 Timeliness", headers, rows);
    }

    /// <summary>GetStatistics's rows (district x category x local period, with a year earlier), then the total.</summary>
    public ExportTable Statistics()
    {
        var report = Queries.Statistics.Compute(_incidents, scope.From, scope.To, scope.Period);
        string[] headers =
        [
            "期间 Period", "区划代码 District code", "区 District", "类别 Category",
            "事件数 Incidents", "死亡 Deaths", "失踪 Missing", "重伤 Seriously injured", "直接经济损失(元) Direct loss (CNY)",
            "同期事件数 Incidents a year earlier", "同期死亡 Deaths a year earlier", "同期失踪 Missing a year earlier", "同期重伤 Seriously injured a year earlier",
            "同期直接经济损失(元) Direct loss a year earlier (CNY)",
        ];
        var rows = report.Rows.Select(r => Row(r.Period, r.District, Name(r.District), r.Category, r.Values, r.YearEarlier))
            .Append(Row("合计 Total", "", "", "", report.Total, report.TotalYearEarlier)).ToList();
        return new ExportTable("statistics", "统计 Statistics", headers, rows);

        static IReadOnlyList<object?> Row(string period, string district, string name, string category, StatisticsValues now, StatisticsValues before) =>
        [
            period, district, name, category, (long)now.Incidents, (long)now.Deaths, (long)now.Missing, (long)now.SeriouslyInjured, now.DirectLossYuan,
            (long)before.Incidents, (long)before.Deaths, (long)before.Missing, (long)before.SeriouslyInjured, before.DirectLossYuan,
        ];
    }

    private string Name(string district) => names.GetValueOrDefault(district, district);
}

/// <summary>What one export covers: [From, To), the district ("" for the city), the statistics' period, and now (for what is overdue).</summary>
public sealed record ExportScope(NodaTime.Instant From, NodaTime.Instant To, NodaTime.Instant Now, string District, StatisticsPeriod Period);
