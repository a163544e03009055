using Google.Api;
using Google.Protobuf;
using Grpc.Core;
using NodaTime;
using Warnings.Analysis.Exports;
using Warnings.Analysis.Projections;
using Warnings.Analysis.Queries;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.Reporting.Domain;

namespace Warnings.Analysis.Grpc;

/// <summary>Exports read the projections and the analysis queries; they change nothing.</summary>
public sealed class ExportGrpcService(ProjectionStore projections, DistrictMap map, AnalysisOptions options, IClock clock) : ExportService.ExportServiceBase
{
    [RpcAccess(Roles.Analyst, Roles.Approver)]
    public override async Task<HttpBody> Export(ExportRequest request, ServerCallContext context)
    {
        var now = clock.GetCurrentInstant();
        var violations = new FieldViolations();
        var file = ExportFile.Parse(request.File, violations);
        violations
            .Check(request.District.Length == 0 || map.Knows(request.District), "district", $"'{request.District}' is not a district of the city")
            .Check(Enum.IsDefined(request.Period), "period", "must be day, month or year")
            .ThrowIfAny();
        var (from, to) = AnalysisPeriod.Resolve(request.From, request.To, now - Duration.FromDays(30), now, ExportFile.MaxPeriodDays);
        string district = ExportFile.DistrictFor(context.Caller(), request.District);

        var names = map.Districts.ToDictionary(d => d.Code, d => d.Name);
        var scope = new ExportScope(from, to, now, district, request.Period == StatisticsPeriod.Unspecified ? StatisticsPeriod.Month : request.Period);
        var tables = new ExportDatasets(await projections.IncidentsAsync(), scope, names).Build(file!.Dataset);
        ExportFile.CheckRows(tables, options.Exports.MaxRows);
        byte[] bytes = file.Format == ExportFormat.Csv ? CsvExport.Write(tables[0]) : await XlsxExport.WriteAsync(tables, context.CancellationToken);

        // Over REST the file downloads under a name that says what it holds.
        string name = $"{Path.GetFileNameWithoutExtension(file.Name)}-{(district.Length > 0 ? district : Scopes.CityWide)}-{Day(from)}-{Day(to)}{Path.GetExtension(file.Name)}";
        context.GetHttpContext().Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        return new HttpBody { ContentType = file.ContentType, Data = ByteString.CopyFrom(bytes) };
    }

    private static string Day(Instant at) => at.InZone(ExportTime.Shanghai).Date.ToString("uuuuMMdd", System.Globalization.CultureInfo.InvariantCulture);
}
