using Google.Protobuf;
using System.Globalization;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Options;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Commands;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.Core.Storage;
using Warnings.PublicationList.Domain;
using Warnings.PublicationList.Storage;
using Warnings.Reporting.Domain;
using Warnings.Reporting.Storage;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Reporting.Grpc;

/// <summary>
/// Incident reports. Each submission is one <see cref="Commands"/> run: validated against the
/// reporting rules of the publication list as it is now (the version is recorded), classified,
/// judged on time or late, and committed with its events (through the outbox) and its answer.
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
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    [RpcAccess(Roles.DistrictReporter, Mutating = true)]
    public override async Task<ReportReceipt> SubmitInitial(SubmitInitialRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var list = await snapshots.CurrentAsync();
        var now = clock.GetCurrentInstant();
        var problems = new FieldViolations().CheckId(request.RequestId);
        ReportRules.CheckRequired(ReportKind.Initial, request.Body, problems);
        if (request.Body is { } body)
        {
            ReportRules.CheckPlaceAndTime(body, map, options.Value, now, problems);
            if (body.Category.Length > 0 && !list.Document.Reporting.Categories.Any(c => c.Code == body.Category && c.Reportable))
            {
                problems.Add("body.category", $"'{body.Category}' is not a reportable category on publication list v{list.Version}");
            }
        }

        audit.ListVersion = list.Version.ToString(CultureInfo.InvariantCulture);
        problems.ThrowIfAny(ReportRules.Reason);
        caller.RequireDistrict(request.Body!.District);

        return await commands.RunAsync($"{caller.Id}:SubmitInitial", request.RequestId, request, () =>
        {
            string id = $"i-{Guid.NewGuid():N}"[..18];
            audit.Target = id;
            var timeline = new IncidentTimeline
            {
                Incident = new Incident
                {
                    Id = id,
                    District = request.Body.District,
                    Category = request.Body.Category,
                    OccurredAt = request.Body.OccurredAt,
                    Totals = new IncidentCounts(),
                },
            };
            var (report, events) = Apply(timeline, ReportKind.Initial, request.Body, caller, clock.GetCurrentInstant(), list);
            var (conditions, writes) = repository.Create(id, timeline);
            return Task.FromResult(new CommandPlan<ReportReceipt>(new ReportReceipt { Incident = timeline.Incident.Clone(), Report = report }, conditions, writes, events));
        });
    }

    [RpcAccess(Roles.DistrictReporter, Mutating = true)]
    public override Task<ReportReceipt> SubmitFollowUp(SubmitFollowUpRequest request, ServerCallContext context) =>
        FollowAsync(ReportKind.FollowUp, request, context);

    [RpcAccess(Roles.DistrictReporter, Mutating = true)]
    public override Task<ReportReceipt> SubmitFinal(SubmitFollowUpRequest request, ServerCallContext context) =>
        FollowAsync(ReportKind.Final, request, context);

    [RpcAccess(Roles.DistrictReporter, Mutating = true)]
    public override Task<ReportReceipt> CorrectReport(CorrectReportRequest request, ServerCallContext context) =>
        ChangeAsync(context, "CorrectReport", request, request.RequestId, request.IncidentId, request.Body,
            new FieldViolations().Check(request.Reason.Trim().Length > 0, "reason", "say why the report is corrected").CheckLength(request.Reason, "reason", ReportLimits.MaxTextLength).Check(request.Sequence > 0, "sequence", "name the report to correct"),
            kind: null,
            (timeline, list, now) =>
            {
                var original = timeline.Reports.FirstOrDefault(r => r.Sequence == request.Sequence)
                    ?? throw GrpcErrors.NotFound($"Incident {request.IncidentId} has no report {request.Sequence}.", new Dictionary<string, string> { ["sequence"] = request.Sequence.ToString(CultureInfo.InvariantCulture) });
                int windowDays = list.Document.Reporting.Categories.FirstOrDefault(c => c.Code == timeline.Incident.Category)?.CorrectionWindowDays ?? 30;
                var closes = timeline.Incident.OccurredAt.ToInstant() + Duration.FromDays(windowDays);
                if (now > closes)
                {
                    throw GrpcErrors.Build(Code.FailedPrecondition, "CORRECTION_WINDOW_CLOSED",
                        $"Corrections to {timeline.Incident.Category} incidents are accepted for {windowDays} days after the incident; the window closed at {closes.InZone(Shanghai):uuuu-MM-dd HH:mm}.",
                        new Dictionary<string, string> { ["window_days"] = windowDays.ToString(CultureInfo.InvariantCulture) });
                }

                var body = request.Body.Clone();
                body.Category = timeline.Incident.Category;
                body.District = timeline.Incident.District;
                return Apply(timeline, original.Kind, body, context.Caller(), now, list, corrects: original.Sequence, correctionReason: request.Reason.Trim());
            });

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
        var page = Paging.Read(request.PageSize, request.PageToken, problems);
        problems.ThrowIfAny();
        from = request.OccurredFrom is null ? Instant.MinValue : from;
        to = request.OccurredTo is null ? Instant.MaxValue : to;
        var caller = context.Caller();
        // Creation order, so an incident reported while a client pages through comes on a later page.
        var (incidents, next) = page.Take(await repository.AllAsync(), timeline =>
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

    private Task<ReportReceipt> FollowAsync(ReportKind kind, SubmitFollowUpRequest request, ServerCallContext context) =>
        ChangeAsync(context, kind == ReportKind.Final ? "SubmitFinal" : "SubmitFollowUp", request, request.RequestId, request.IncidentId, request.Body, new FieldViolations(), kind,
            (timeline, list, now) =>
            {
                var body = request.Body.Clone();
                body.Category = timeline.Incident.Category;
                body.District = timeline.Incident.District;
                body.OccurredAt = timeline.Incident.OccurredAt;
                var problems = new FieldViolations();
                ReportRules.CheckCounts(timeline.Incident.Totals ?? new IncidentCounts(), body.Totals ?? new IncidentCounts(), body.CountChangeReason, options.Value.CountJumpFactor, problems);
                problems.ThrowIfAny(ReportRules.Reason);
                return Apply(timeline, kind, body, context.Caller(), now, list);
            });

    // The path of every report on an existing incident: validate the request, then in one command
    // load the incident, check the reporter's district and that the incident is open, apply the
    // report, and commit on the condition that the incident is still exactly as read.
    private async Task<ReportReceipt> ChangeAsync(ServerCallContext context, string method, IMessage request, string requestId, string incidentId, ReportBody? body, FieldViolations problems,
        ReportKind? kind, Func<IncidentTimeline, CompiledList, Instant, (IncidentReport Report, List<object> Events)> apply)
    {
        problems.CheckId(requestId).Check(incidentId.Length > 0, "incident_id", "is required");
        ReportRules.CheckRequired(kind ?? ReportKind.FollowUp, body, problems);
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
            var (json, timeline) = await repository.LoadAsync(incidentId)
                ?? throw GrpcErrors.Build(Code.NotFound, "INCIDENT_NOT_FOUND", $"No incident {incidentId}.", new Dictionary<string, string> { ["incident_id"] = incidentId });
            caller.RequireDistrict(timeline.Incident.District);
            if (timeline.Incident.Closed)
            {
                throw GrpcErrors.Build(Code.FailedPrecondition, "INCIDENT_CLOSED", $"Incident {incidentId} was closed by its final report.",
                    new Dictionary<string, string> { ["incident_id"] = incidentId });
            }

            var (report, events) = apply(timeline, list, clock.GetCurrentInstant());
            var (conditions, writes) = repository.Replace(incidentId, json, timeline);
            return new CommandPlan<ReportReceipt>(new ReportReceipt { Incident = Present(timeline.Incident), Report = report }, conditions, writes, events);
        });
    }

    // Adds a report to the incident: severity, deadline and lateness, next due report, escalation,
    // closing; returns the report and the events it causes.
    private static (IncidentReport Report, List<object> Events) Apply(IncidentTimeline timeline, ReportKind kind, ReportBody body, PlatformPrincipal caller, Instant now, CompiledList list,
        int corrects = 0, string correctionReason = "")
    {
        var incident = timeline.Incident;
        var rules = list.Document.Reporting;
        var totals = body.Totals ?? new IncidentCounts();
        string before = incident.SeverityClass;
        string after = Severity.Classify(totals.Deaths, totals.SeriouslyInjured, totals.DirectLossYuan);
        var due = kind == ReportKind.Initial && corrects == 0
            ? incident.OccurredAt.ToInstant() + Duration.FromMinutes(Deadline(rules, after).InitialReportMinutes)
            : incident.NextReportDueAt?.ToInstant() ?? now;
        bool late = corrects == 0 && now > due;
        var report = new IncidentReport
        {
            Sequence = timeline.Reports.Count + 1,
            Kind = kind,
            Body = body,
            ReceivedAt = now.ToTimestamp(),
            SubmittedBy = caller.Id,
            DueAt = due.ToTimestamp(),
            Late = late,
            SeverityClass = after,
            ListVersion = list.Version,
            Corrects = corrects,
            CorrectionReason = correctionReason,
        };
        timeline.Reports.Add(report);
        incident.Totals = totals.Clone();
        incident.SeverityClass = after;
        incident.Reports = report.Sequence;
        incident.ListVersion = list.Version;
        incident.Revision++;
        if (corrects == 0)
        {
            incident.Overdue = false;
            if (kind == ReportKind.Final)
            {
                incident.Closed = true;
                incident.NextReportDueAt = null;
            }
            else
            {
                incident.NextReportDueAt = (now + Duration.FromHours(Deadline(rules, after).FollowUpEveryHours)).ToTimestamp();
            }
        }

        var eventTotals = new IncidentTotals(totals.Deaths, totals.Missing, totals.SeriouslyInjured, totals.Trapped, totals.AffectedPopulation, totals.Relocated,
            totals.HousesCollapsed, totals.HousesDamaged, totals.CropAreaHectares, totals.DirectLossYuan);
        var events = new List<object>
        {
            new IncidentReported(incident.Id, report.Sequence, kind.ToString(), incident.District, incident.Category, after, eventTotals,
                incident.OccurredAt.ToInstant(), now, due, late, corrects, list.Version),
        };
        string action = corrects > 0 ? "corrected" : kind switch { ReportKind.Initial => "initial_report", ReportKind.Final => "final_report", _ => "follow_up" };
        timeline.Steps.Add(new WarningStep { At = now.ToTimestamp(), By = caller.Id, Action = action, Note = late ? "迟报: late" : correctionReason });
        if (before.Length > 0 && Severity.Rank(after) > Severity.Rank(before))
        {
            events.Add(new IncidentEscalated(incident.Id, incident.District, before, after, DirectToMunicipal: false, report.Sequence, now));
            timeline.Steps.Add(new WarningStep { At = now.ToTimestamp(), By = "platform", Action = "escalated", Note = $"{before} -> {after}" });
        }

        if (!incident.EscalatedToMunicipal && rules.DirectEscalationCategories.Contains(incident.Category)
            && totals.Deaths + totals.Missing >= rules.DirectEscalationDeadOrMissing && rules.DirectEscalationDeadOrMissing > 0)
        {
            incident.EscalatedToMunicipal = true;
            events.Add(new IncidentEscalated(incident.Id, incident.District, before.Length > 0 ? before : after, after, DirectToMunicipal: true, report.Sequence, now));
            timeline.Steps.Add(new WarningStep { At = now.ToTimestamp(), By = "platform", Action = "escalated_to_municipal", Note = $"{totals.Deaths + totals.Missing} dead or missing" });
        }

        if (kind == ReportKind.Final && corrects == 0)
        {
            events.Add(new IncidentClosed(incident.Id, incident.District, incident.Category, after, eventTotals, now));
        }

        return (report, events);
    }

    private static SeverityDeadline Deadline(ReportingRules rules, string severityClass) =>
        rules.Deadlines.FirstOrDefault(d => d.SeverityClass == severityClass)
        ?? new SeverityDeadline { SeverityClass = severityClass, InitialReportMinutes = 60, FollowUpEveryHours = 24 };

    private async Task<IncidentTimeline> LoadReadableAsync(string incidentId, ServerCallContext context)
    {
        new FieldViolations().Check(incidentId.Length > 0, "incident_id", "is required").ThrowIfAny();
        var timeline = (await repository.LoadAsync(incidentId))?.Document;
        // A reporter of another district is told nothing exists, not that it is forbidden.
        if (timeline is null || !MayRead(context.Caller(), timeline.Incident))
        {
            throw GrpcErrors.Build(Code.NotFound, "INCIDENT_NOT_FOUND", $"No incident {incidentId}.", new Dictionary<string, string> { ["incident_id"] = incidentId });
        }

        return timeline;
    }

    /// <summary>The roles that read every district's incidents; reporters read their own district's.</summary>
    public static readonly IReadOnlyCollection<string> AllIncidentReaders = [Roles.Analyst, Roles.Operator, Roles.Approver, Roles.DutyOfficer];

    // Only a role allowed to read everything reads everything: any other role a reporter also holds
    // (list_admin, partner...) widens nothing.
    private static bool MayRead(PlatformPrincipal caller, Incident incident) => caller.MayReadDistrict(incident.District, AllIncidentReaders);

    /// <summary>The incident as shown: local times in Asia/Shanghai.</summary>
    public static Incident Present(Incident incident)
    {
        var shown = incident.Clone();
        shown.OccurredAtLocal = incident.OccurredAt is null ? "" : incident.OccurredAt.ToInstant().InZone(Shanghai).ToString("uuuu-MM-dd HH:mm", CultureInfo.InvariantCulture);
        shown.NextReportDueLocal = incident.NextReportDueAt is null ? "" : incident.NextReportDueAt.ToInstant().InZone(Shanghai).ToString("uuuu-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return shown;
    }
}
