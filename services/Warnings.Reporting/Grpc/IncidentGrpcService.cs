using Google.Protobuf;
using System.Globalization;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Options;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Commands;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.PublicationList.Domain;
using Warnings.PublicationList.Storage;
using Warnings.Reporting.Domain;
using Warnings.Reporting.Storage;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Reporting.Grpc;

/// <summary>
/// Incident reports. Each submission is one <see cref="Commands"/> run: the request is validated
/// (ids, lengths, place and time), the incident loaded, <see cref="IncidentLifeCycle"/> applies the
/// report under the reporting rules of the publication list as it is now (the version is recorded),
/// and the timeline is committed with its events (through the outbox) and its answer.
/// </summary>
public sealed class IncidentGrpcService(
    Commands commands,
    IncidentRepository repository,
    ListSnapshots snapshots,
    DistrictMap map,
    IClock clock,
    CallAudit audit,
    IOptions<ReportingOptions> options) : IncidentReportService.IncidentReportServiceBase
{
    [RpcAccess(Roles.DistrictReporter, Mutating = true)]
    public override async Task<ReportReceipt> SubmitInitial(SubmitInitialRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var list = await snapshots.CurrentAsync();
        var problems = new FieldViolations().CheckId(request.RequestId);
        ReportRules.CheckRequired(ReportKind.Initial, request.Body, problems);
        if (request.Body is { } body)
        {
            ReportRules.CheckPlaceAndTime(body, map, options.Value, clock.GetCurrentInstant(), problems);
            ReportRules.CheckCategory(body, Rules(list), list.Version, problems);
        }

        audit.ListVersion = list.Version.ToString(CultureInfo.InvariantCulture);
        problems.ThrowIfAny(ReportRules.Reason);
        caller.RequireDistrict(request.Body!.District);

        return await commands.RunAsync($"{caller.Id}:SubmitInitial", request.RequestId, request, () =>
        {
            string id = $"i-{Guid.NewGuid():N}"[..18];
            audit.Target = id;
            var (incident, outcome) = IncidentLifeCycle.Open(id, request.Body, Context(caller, list));
            var (conditions, writes) = repository.Create(id, incident.Timeline);
            return Task.FromResult(new CommandPlan<ReportReceipt>(Receipt(incident, outcome), conditions, writes, outcome.Events));
        });
    }

    [RpcAccess(Roles.DistrictReporter, Mutating = true)]
    public override Task<ReportReceipt> SubmitFollowUp(SubmitFollowUpRequest request, ServerCallContext context) =>
        ChangeAsync(context, "SubmitFollowUp", request, request.RequestId, request.IncidentId, request.Body, new FieldViolations(), ReportKind.FollowUp,
            (incident, ctx) => incident.Submit(ReportKind.FollowUp, request.Body, ctx));

    [RpcAccess(Roles.DistrictReporter, Mutating = true)]
    public override Task<ReportReceipt> SubmitFinal(SubmitFollowUpRequest request, ServerCallContext context) =>
        ChangeAsync(context, "SubmitFinal", request, request.RequestId, request.IncidentId, request.Body, new FieldViolations(), ReportKind.Final,
            (incident, ctx) => incident.Submit(ReportKind.Final, request.Body, ctx));

    // The kind of the corrected report is known only once the incident is loaded: the domain checks
    // what that kind requires.
    [RpcAccess(Roles.DistrictReporter, Mutating = true)]
    public override Task<ReportReceipt> CorrectReport(CorrectReportRequest request, ServerCallContext context) =>
        ChangeAsync(context, "CorrectReport", request, request.RequestId, request.IncidentId, request.Body,
            new FieldViolations().Check(request.Reason.Trim().Length > 0, "reason", "say why the report is corrected").CheckLength(request.Reason, "reason", ReportLimits.MaxTextLength).Check(request.Sequence > 0, "sequence", "name the report to correct"),
            ReportKind.FollowUp,
            (incident, ctx) => incident.Correct(request.Sequence, request.Body, request.Reason.Trim(), ctx));

    [RpcAccess(Roles.DistrictReporter, Roles.Analyst, Roles.Operator, Roles.Approver, Roles.DutyOfficer)]
    public override async Task<Incident> GetIncident(GetIncidentRequest request, ServerCallContext context) =>
        Present((await LoadReadableAsync(request.IncidentId, context)).Incident);

    [RpcAccess(Roles.DistrictReporter, Roles.Analyst, Roles.Operator, Roles.Approver, Roles.DutyOfficer)]
    public override async Task<IncidentTimeline> GetTimeline(GetIncidentRequest request, ServerCallContext context)
    {
        var timeline = await LoadReadableAsync(request.IncidentId, context);
        timeline.Incident = Present(timeline.Incident);
        return timeline;
    }

    [RpcAccess(Roles.DistrictReporter, Roles.Analyst, Roles.Operator, Roles.Approver, Roles.DutyOfficer)]
    public override async Task<ListIncidentsResponse> ListIncidents(ListIncidentsRequest request, ServerCallContext context)
    {
        var problems = new FieldViolations()
            .Check(request.OpenState is >= 0 and <= 2, "open_state", "0 all, 1 open, 2 closed")
            .CheckInstant(request.OccurredFrom, "occurred_from", out var from)
            .CheckInstant(request.OccurredTo, "occurred_to", out var to)
            .CheckLength(request.District, "district", ReportLimits.MaxCodeLength)
            .CheckLength(request.Category, "category", ReportLimits.MaxCodeLength)
            .CheckLength(request.SeverityClass, "severity_class", ReportLimits.MaxCodeLength);
        var page = Paging.Read(request.PageSize, request.PageToken, problems, request.NewestFirst);
        problems.ThrowIfAny();
        from = request.OccurredFrom is null ? Instant.MinValue : from;
        to = request.OccurredTo is null ? Instant.MaxValue : to;
        var caller = context.Caller();
        // Creation order (or its reverse), so an incident reported while a client pages through oldest
        // first comes on a later page; a page reads only the part of that order it looks at (Paging.TakeAsync).
        // Figures as the reports give them (IncidentLifeCycle.Of), also for incidents stored before the current rules.
        async Task<IReadOnlyList<IncidentTimeline?>> Window(long start, int count) =>
            (await repository.WindowAsync(start, count)).Select(t => t is null ? null : IncidentLifeCycle.Of(t).Timeline).ToList();
        var (incidents, next) = await page.TakeAsync(await repository.CountAsync(), Window, timeline =>
        {
            var i = timeline.Incident;
            var occurred = i.OccurredAt.ToInstant();
            return MayRead(caller, i)
                && (request.District.Length == 0 || i.District == request.District)
                && (request.Category.Length == 0 || i.Category == request.Category)
                && (request.SeverityClass.Length == 0 || i.SeverityClass == request.SeverityClass)
                && (request.OpenState == 0 || (request.OpenState == 1) != i.Closed)
                && (!request.OverdueOnly || i.Overdue)
                && occurred >= from && occurred < to;
        });
        var response = new ListIncidentsResponse { NextPageToken = next };
        response.Incidents.AddRange(incidents.Select(t => Present(t.Incident)));
        return response;
    }

    // A dry run: nothing is stored, so no request id and no command (see ReportDryRun).
    [RpcAccess(Roles.DistrictReporter)]
    public override async Task<ReportPreview> PreviewReport(PreviewReportRequest request, ServerCallContext context)
    {
        bool initial = request.Kind == ReportKind.Initial && request.Corrects == 0;
        new FieldViolations()
            .Check(request.Corrects > 0 || request.Kind is ReportKind.Initial or ReportKind.FollowUp or ReportKind.Final, "kind", "INITIAL, FOLLOW_UP or FINAL (or name the report to correct in corrects)")
            .Check(request.Corrects >= 0, "corrects", "the sequence of the report to correct, or 0")
            .Check(initial ? request.IncidentId.Length == 0 : request.IncidentId.Length > 0, "incident_id", initial ? "an initial report opens a new incident" : "is required")
            .CheckLength(request.IncidentId, "incident_id", ReportLimits.MaxCodeLength)
            .CheckLength(request.Reason, "reason", ReportLimits.MaxTextLength)
            .Check(request.Body is not null, "body", "is required")
            .ThrowIfAny(ReportRules.Reason);
        var caller = context.Caller();
        var list = await snapshots.CurrentAsync();
        if (initial)
        {
            caller.RequireDistrict(request.Body!.District);
            return ReportDryRun.Initial(request.Body!, map, options.Value, Context(caller, list));
        }

        var timeline = await LoadReadableAsync(request.IncidentId, context);
        caller.RequireDistrict(timeline.Incident.District);
        return ReportDryRun.Change(timeline, request.Kind, request.Corrects, request.Reason, request.Body!, map, options.Value, Context(caller, list));
    }

    // The path of every report on an existing incident: validate the request, then in one command
    // load the incident, check the reporter's district, let the incident's life cycle take the
    // report, and commit on the condition that the incident is still exactly as read.
    private async Task<ReportReceipt> ChangeAsync(ServerCallContext context, string method, IMessage request, string requestId, string incidentId, ReportBody? body, FieldViolations problems,
        ReportKind kind, Func<IncidentLifeCycle, ReportContext, ReportOutcome> change)
    {
        problems.CheckId(requestId).Check(incidentId.Length > 0, "incident_id", "is required");
        ReportRules.CheckRequired(kind, body, problems);
        if (body is not null)
        {
            ReportRules.CheckPlaceAndTime(new ReportBody { Location = body.Location, OccurredAt = body.OccurredAt }, map, options.Value, clock.GetCurrentInstant(), problems);
        }

        problems.ThrowIfAny(ReportRules.Reason);
        var caller = context.Caller();
        audit.Target = incidentId;
        var list = await snapshots.CurrentAsync();
        audit.ListVersion = list.Version.ToString(CultureInfo.InvariantCulture);
        return await commands.RunAsync($"{caller.Id}:{method}", requestId, request, async () =>
        {
            var (json, timeline) = await repository.LoadAsync(incidentId) ?? throw IncidentNotFound(incidentId);
            caller.RequireDistrict(timeline.Incident.District);
            var incident = IncidentLifeCycle.Of(timeline);
            var outcome = change(incident, Context(caller, list));
            var (conditions, writes) = repository.Replace(incidentId, json, incident.Timeline);
            return new CommandPlan<ReportReceipt>(Receipt(incident, outcome), conditions, writes, outcome.Events);
        });
    }

    private ReportContext Context(PlatformPrincipal caller, CompiledList list) =>
        new(caller.Id, clock.GetCurrentInstant(), Rules(list), list.Version, options.Value.CountJumpFactor);

    private static ReportingRules Rules(CompiledList list) => list.Document.Reporting ?? new ReportingRules();

    private static ReportReceipt Receipt(IncidentLifeCycle incident, ReportOutcome outcome) => new() { Incident = Present(incident.Incident), Report = outcome.Report };

    private static RpcException IncidentNotFound(string incidentId) =>
        GrpcErrors.Build(Code.NotFound, ReportingReasons.IncidentNotFound, $"No incident {incidentId}.", new Dictionary<string, string> { ["incident_id"] = incidentId });

    private async Task<IncidentTimeline> LoadReadableAsync(string incidentId, ServerCallContext context)
    {
        new FieldViolations().Check(incidentId.Length > 0, "incident_id", "is required").ThrowIfAny();
        var timeline = (await repository.LoadAsync(incidentId))?.Document;
        // A reporter of another district is told nothing exists, not that it is forbidden.
        if (timeline is null || !MayRead(context.Caller(), timeline.Incident))
        {
            throw IncidentNotFound(incidentId);
        }

        return IncidentLifeCycle.Of(timeline).Timeline;
    }

    /// <summary>The roles that read every district's incidents; reporters read their own district's.</summary>
    public static readonly IReadOnlyCollection<string> AllIncidentReaders = [Roles.Analyst, Roles.Operator, Roles.Approver, Roles.DutyOfficer];

    // Only a role allowed to read everything reads everything: any other role a reporter also holds
    // (list_admin, partner...) widens nothing.
    private static bool MayRead(PlatformPrincipal caller, Incident incident) => caller.MayReadDistrict(incident.District, AllIncidentReaders);

    private static string Local(Google.Protobuf.WellKnownTypes.Timestamp? at) => at is null ? "" : ShanghaiTime.Display(at.ToInstant());

    /// <summary>The incident as shown: local times in Asia/Shanghai.</summary>
    public static Incident Present(Incident incident)
    {
        var shown = incident.Clone();
        shown.OccurredAtLocal = Local(incident.OccurredAt);
        shown.NextReportDueLocal = Local(incident.NextReportDueAt);
        shown.CorrectionsUntilLocal = Local(incident.CorrectionsUntil);
        return shown;
    }
}
