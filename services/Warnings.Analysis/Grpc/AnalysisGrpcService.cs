using Grpc.Core;
using NodaTime;
using Warnings.Analysis.Exports;
using Warnings.Analysis.Projections;
using Warnings.Analysis.Queries;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Commands;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.PublicationList.Storage;
using Warnings.Reporting.Domain;

namespace Warnings.Analysis.Grpc;

/// <summary>Answers from the projections; the rebuild recomputes them from the stored documents.</summary>
public sealed class AnalysisGrpcService(ProjectionStore projections, Projector projector, ListSnapshots lists, DistrictMap map, AnalysisOptions options, Commands commands, IClock clock)
    : AnalysisService.AnalysisServiceBase
{
    [RpcAccess(Roles.Analyst, Roles.Approver)]
    public override async Task<TimelinessReport> GetTimeliness(TimelinessRequest request, ServerCallContext context)
    {
        var now = clock.GetCurrentInstant();
        var (from, to) = Period(request.From, request.To, now - Duration.FromDays(7), now);
        new FieldViolations().Check(request.District.Length == 0 || map.Knows(request.District), "district", $"'{request.District}' is not a district of the city").ThrowIfAny();
        string district = ExportFile.DistrictFor(context.Caller(), request.District);
        return Timeliness.Compute(await IncidentsInScopeAsync(context), from, to, now, district, Names);
    }

    [RpcAccess(Roles.Analyst, Roles.Approver)]
    public override async Task<CompletenessReport> GetCompleteness(CompletenessRequest request, ServerCallContext context)
    {
        var rules = (await lists.CurrentAsync()).Document.Reporting;
        return IncidentViews.Completeness(await IncidentsInScopeAsync(context), clock.GetCurrentInstant(), rules.CorrectionWindowDays);
    }

    [RpcAccess(Roles.Analyst, Roles.Approver)]
    public override async Task<OpenIncidentsReport> GetOpenIncidents(OpenIncidentsRequest request, ServerCallContext context)
    {
        var now = clock.GetCurrentInstant();
        var (from, to) = Period(request.From, request.To, now - Duration.FromDays(30), now + Duration.FromMilliseconds(1));
        return IncidentViews.Open(await IncidentsInScopeAsync(context), from, to);
    }

    [RpcAccess(Roles.Analyst)]
    public override async Task<RelatedIncidentsReport> FindRelatedIncidents(RelatedIncidentsRequest request, ServerCallContext context)
    {
        new FieldViolations()
            .Check(request.DistanceKm is >= 0 and <= 100, "distance_km", "must be between 0 and 100 (0: the configured default)")
            .Check(request.WindowHours is >= 0 and <= 24 * 30, "window_hours", "must be between 0 and 720 (0: the configured default)")
            .ThrowIfAny();
        var now = clock.GetCurrentInstant();
        var (from, to) = Period(request.From, request.To, now - Duration.FromDays(30), now + Duration.FromMilliseconds(1));
        var incidents = (await IncidentsInScopeAsync(context)).Where(i => i.OccurredAt >= from && i.OccurredAt < to).ToList();
        return RelatedIncidents.Find(incidents, request.DistanceKm > 0 ? request.DistanceKm : options.Related.DistanceKm,
            request.WindowHours > 0 ? request.WindowHours : options.Related.WindowHours);
    }

    [RpcAccess(Roles.Analyst, Roles.Approver)]
    public override async Task<StatisticsReport> GetStatistics(StatisticsRequest request, ServerCallContext context)
    {
        var now = clock.GetCurrentInstant();
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var yearStart = new LocalDate(now.InZone(zone).Year, 1, 1).AtStartOfDayInZone(zone).ToInstant();
        var (from, to) = Period(request.From, request.To, yearStart, now + Duration.FromMilliseconds(1));
        return Statistics.Compute(await IncidentsInScopeAsync(context), from, to, request.Period == StatisticsPeriod.Unspecified ? StatisticsPeriod.Month : request.Period);
    }

    [RpcAccess(Roles.Analyst, Roles.Approver, Roles.DutyOfficer, Roles.Operator)]
    public override async Task<ActiveWarningsMap> GetActiveWarningsMap(ActiveWarningsMapRequest request, ServerCallContext context) =>
        SituationMap.Warnings(await projections.WarningsAsync(), At(request.At), Names);

    [RpcAccess(Roles.Analyst, Roles.Approver)]
    public override async Task<RiskPicture> GetRiskPicture(RiskPictureRequest request, ServerCallContext context)
    {
        var at = At(request.At);
        return SituationMap.Risk(SituationMap.Warnings(await projections.WarningsAsync(), at, Names), await IncidentsInScopeAsync(context), options.Risk);
    }

    /// <summary>
    /// The incidents the caller may see: all of them for a city-wide caller, its own district's for a
    /// caller scoped to one district (the same rule the exports apply, so no RPC shows more than a file).
    /// </summary>
    private async Task<IReadOnlyList<IncidentFacts>> IncidentsInScopeAsync(ServerCallContext context)
    {
        var incidents = await projections.IncidentsAsync();
        string own = ExportFile.DistrictFor(context.Caller(), "");
        return own.Length == 0 ? incidents : incidents.Where(i => i.District == own).ToList();
    }

    [RpcAccess(Roles.Operator, Mutating = true)]
    public override async Task<RebuildProjectionsResponse> RebuildProjections(RebuildProjectionsRequest request, ServerCallContext context)
    {
        new FieldViolations().CheckId(request.RequestId).ThrowIfAny();
        // Rebuilding twice is harmless; the command only makes a repeated request return the first answer.
        return await commands.RunAsync($"{context.Caller().Id}:RebuildProjections", request.RequestId, request, async () =>
        {
            var (incidents, warnings) = await projector.RebuildAsync();
            return new CommandPlan<RebuildProjectionsResponse>(
                new RebuildProjectionsResponse { Incidents = incidents, Warnings = warnings, RebuiltAt = clock.GetCurrentInstant().ToTimestamp() }, [], [], []);
        });
    }

    private IReadOnlyDictionary<string, string> Names => map.Districts.ToDictionary(d => d.Code, d => d.Name);

    private Instant At(Google.Protobuf.WellKnownTypes.Timestamp? at)
    {
        new FieldViolations().CheckInstant(at, "at", out var value).ThrowIfAny();
        return at is null ? clock.GetCurrentInstant() : value;
    }

    private static (Instant From, Instant To) Period(Google.Protobuf.WellKnownTypes.Timestamp? from, Google.Protobuf.WellKnownTypes.Timestamp? to, Instant defaultFrom, Instant defaultTo) =>
        AnalysisPeriod.Resolve(from, to, defaultFrom, defaultTo);
}
