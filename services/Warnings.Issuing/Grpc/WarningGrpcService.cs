using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using MassTransit;
using Microsoft.Extensions.Options;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Commands;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.Core.Storage;
using Warnings.Issuing.Cap;
using Warnings.Issuing.Domain;
using Warnings.Issuing.Storage;
using Warnings.PublicationList.Domain;
using Warnings.PublicationList.Storage;
using Roles = Warnings.Core.Identity.Roles;
using WarningState = Warnings.Contracts.V1.WarningState;

namespace Warnings.Issuing.Grpc;

/// <summary>
/// The warning life cycle. Each mutating RPC is one <see cref="Commands"/> run: it reads the
/// warning, checks the step against its state, the caller's roles and scope, four-eyes and the
/// publication list as it is now, and commits the new document, its events (through the outbox) and
/// the answer together; a repeated request id returns the first answer. The reads are in
/// <c>WarningGrpcService.Queries.cs</c>.
/// </summary>
public sealed partial class WarningGrpcService(
    Commands commands,
    WarningRepository repository,
    ListSnapshots snapshots,
    CapDocuments capDocuments,
    CapImportTrust capTrust,
    IClock clock,
    CallAudit audit,
    IOptions<IssuingOptions> options,
    IStateStore store) : WarningService.WarningServiceBase
{
    [RpcAccess(Roles.DutyOfficer, Mutating = true)]
    public override Task<Warning> CreateDraft(CreateDraftRequest request, ServerCallContext context) =>
        CreateDraftAsync(request, context, "CreateDraft", request, signer: null);

    // The request id belongs to the RPC the caller made (CreateDraft or ImportCapDraft) and is
    // fingerprinted on the request the caller sent (the CAP document for an import).
    private async Task<Warning> CreateDraftAsync(CreateDraftRequest request, ServerCallContext context, string method, IMessage sent, CapSigner? signer)
    {
        var caller = context.Caller();
        string department = request.Department.Length > 0 ? request.Department : caller.Department ?? "";
        // The caller's scope first: nobody outside the department reads its templates or makes the costly geometry run.
        caller.RequireDepartment(department);
        var list = await snapshots.CurrentAsync();
        var problems = new FieldViolations().CheckId(request.RequestId);
        var (content, note) = TemplateDrafts.Apply(request, department, list, clock.GetCurrentInstant(), problems);
        ContentRules.Check(content, Districts(list), problems);
        ContentRules.CheckShapes(content, problems);
        problems.ThrowIfAny();

        return await commands.RunAsync($"{caller.Id}:{method}", request.RequestId, sent, () =>
        {
            var now = clock.GetCurrentInstant();
            string id = $"w-{Guid.NewGuid():N}"[..18]; // random: sequential ids share their leading digits
            audit.Target = id;
            var history = new WarningHistory
            {
                Warning = new Warning
                {
                    Id = id,
                    Department = department,
                    State = WarningState.Draft,
                    Content = content!.Clone(),
                    Maker = caller.Id,
                    CreatedAt = now.ToTimestamp(),
                    UpdatedAt = now.ToTimestamp(),
                    Revision = 1,
                    CapSigner = signer,
                },
            };
            history.Steps.Add(Step(now, caller, "created", signer is null ? note : $"imported from CAP signed by {signer.Subject} ({signer.Thumbprint})"));
            var (conditions, writes) = repository.Create(id, history);
            return Task.FromResult(new CommandPlan<Warning>(Present(history.Warning, now), conditions, writes, []));
        });
    }

    [RpcAccess(Roles.DutyOfficer, Mutating = true)]
    public override async Task<Warning> ImportCapDraft(ImportCapDraftRequest request, ServerCallContext context)
    {
        new FieldViolations().CheckId(request.RequestId).Check(request.CapXml.Length > 0, "cap_xml", "is required").ThrowIfAny();
        var signer = await capTrust.VerifyAsync(request.CapXml); // before reading a word of it
        var list = await snapshots.CurrentAsync();
        var read = CapReader.ToDraft(request.CapXml, list.Document);
        if (read.Content is null)
        {
            var problems = new FieldViolations();
            foreach (var (field, reason) in read.Problems)
            {
                problems.Add(field, reason);
            }

            problems.ThrowIfAny(read.ErrorReason);
        }

        return await CreateDraftAsync(new CreateDraftRequest { RequestId = request.RequestId, Content = read.Content }, context, "ImportCapDraft", request, signer);
    }

    [RpcAccess(Roles.DutyOfficer, Mutating = true)]
    public override async Task<Warning> EditDraft(EditDraftRequest request, ServerCallContext context)
    {
        var list = await snapshots.CurrentAsync();
        var problems = new FieldViolations();
        ContentRules.Check(request.Content, Districts(list), problems);
        return await ChangeAsync(context, "EditDraft", request, request.RequestId, request.WarningId, problems, shapes: request.Content, step: (history, caller, now) =>
        {
            RequireState(history, WarningState.Draft);
            history.Warning.Content = request.Content.Clone();
            history.Warning.ReviewComment = "";
            history.Steps.Add(Step(now, caller, "edited"));
            return Task.FromResult<object?>(null);
        });
    }

    [RpcAccess(Roles.DutyOfficer, Mutating = true)]
    public override Task<Warning> Submit(WarningActionRequest request, ServerCallContext context) =>
        ChangeAsync(context, "Submit", request, request.RequestId, request.WarningId, new FieldViolations(), async (history, caller, now) =>
        {
            RequireState(history, WarningState.Draft);
            var decision = await DecideAsync(history.Warning, fastTrack: false, signOffs: null, now);
            history.Warning.ListVersion = decision.ListVersion; // the list the submission was checked against
            history.Warning.State = WarningState.Submitted;
            history.Steps.Add(Step(now, caller, "submitted"));
            return null;
        });

    [RpcAccess(Roles.DutyOfficer, Roles.Approver, Mutating = true)]
    public override Task<Warning> Review(ReviewRequest request, ServerCallContext context) =>
        ChangeAsync(context, "Review", request, request.RequestId, request.WarningId,
            new FieldViolations().Check(request.Approve || request.Comment.Trim().Length > 0, "comment", "say why the warning is sent back").CheckLength(request.Comment, "comment", ContentRules.MaxNote),
            (history, caller, now) =>
            {
                RequireState(history, WarningState.Submitted);
                RequireSecondPerson(history, caller, "review");
                if (request.Approve)
                {
                    history.Warning.State = WarningState.Reviewed;
                    history.Warning.Reviewer = caller.Id;
                    history.Steps.Add(Step(now, caller, "reviewed", request.Comment));
                }
                else
                {
                    history.Warning.State = WarningState.Draft;
                    history.Warning.ReviewComment = request.Comment.Trim();
                    history.Steps.Add(Step(now, caller, "sent_back", request.Comment.Trim()));
                }

                return Task.FromResult<object?>(null);
            });

    [RpcAccess(Roles.Approver, Mutating = true)]
    public override Task<Warning> SignOff(WarningActionRequest request, ServerCallContext context) =>
        ChangeAsync(context, "SignOff", request, request.RequestId, request.WarningId, new FieldViolations(), (history, caller, now) =>
        {
            var warning = history.Warning;
            bool lateFastTrackSignOff = warning.State == WarningState.Published && warning.FastTrack && warning.SignedOffBy.Length == 0;
            if (!lateFastTrackSignOff)
            {
                RequireState(history, WarningState.Reviewed);
            }

            RequireSecondPerson(history, caller, "sign off");
            warning.SignedOffBy = caller.Id;
            if (!lateFastTrackSignOff)
            {
                warning.State = WarningState.SignedOff;
            }

            history.Steps.Add(Step(now, caller, "signed_off", lateFastTrackSignOff
                ? $"fast-track sign-off{(now > warning.SignOffDueAt.ToInstant() ? $", {(now - warning.SignOffDueAt.ToInstant()).TotalMinutes:0} min late" : "")}"
                : ""));
            return Task.FromResult<object?>(null);
        });

    [RpcAccess(Roles.Approver, Mutating = true)]
    public override Task<Warning> ApproveNetworkSms(WarningActionRequest request, ServerCallContext context)
    {
        // The municipal approver acts across departments: scope is their own department being the approving one.
        var caller = context.Caller();
        if (!caller.MayActForDepartment(options.Value.MunicipalApprovalDepartment))
        {
            throw GrpcErrors.Build(Code.PermissionDenied, IssuingReasons.MunicipalApproverRequired,
                $"Network-wide SMS is approved by approvers of {options.Value.MunicipalApprovalDepartment}.",
                new Dictionary<string, string> { ["approving_department"] = options.Value.MunicipalApprovalDepartment });
        }

        return ChangeAsync(context, "ApproveNetworkSms", request, request.RequestId, request.WarningId, new FieldViolations(), (history, approver, now) =>
        {
            RequireState(history, WarningState.Submitted, WarningState.Reviewed, WarningState.SignedOff, WarningState.Published);
            RequireSecondPerson(history, approver, "approve");
            history.Warning.MunicipalApprovedBy = approver.Id;
            history.Steps.Add(Step(now, approver, "network_sms_approved"));
            return Task.FromResult<object?>(null);
        }, departmentScoped: false);
    }

    [RpcAccess(Roles.DutyOfficer, Mutating = true)]
    public override Task<Warning> Publish(WarningActionRequest request, ServerCallContext context) =>
        ChangeAsync(context, "Publish", request, request.RequestId, request.WarningId, new FieldViolations(), async (history, caller, now) =>
        {
            RequireState(history, WarningState.Reviewed, WarningState.SignedOff);
            var warning = history.Warning;
            var decision = await DecideAsync(warning, fastTrack: false,
                new CandidateSignOffs(warning.Reviewer.Length > 0, warning.SignedOffBy.Length > 0, warning.MunicipalApprovedBy.Length > 0), now);
            var version = AddVersion(history, "Alert", caller, now, decision, note: "");
            warning.State = WarningState.Published;
            history.Steps.Add(Step(now, caller, "published"));
            return new WarningPublished(version);
        });

    [RpcAccess(Roles.DutyOfficer, Mutating = true)]
    public override Task<Warning> EmergencyPublish(WarningActionRequest request, ServerCallContext context) =>
        ChangeAsync(context, "EmergencyPublish", request, request.RequestId, request.WarningId, new FieldViolations(), async (history, caller, now) =>
        {
            RequireState(history, WarningState.Draft, WarningState.Submitted, WarningState.Reviewed, WarningState.SignedOff);
            var warning = history.Warning;
            var decision = await DecideAsync(warning, fastTrack: true, signOffs: null, now);
            warning.FastTrack = true;
            warning.SignOffDueAt = (now + Duration.FromMinutes(decision.FastTrackSignOffWithinMinutes)).ToTimestamp();
            var version = AddVersion(history, "Alert", caller, now, decision, note: "emergency fast-track");
            warning.State = WarningState.Published;
            history.Steps.Add(Step(now, caller, "fast_tracked", $"sign-off due by {warning.SignOffDueAt.ToInstant()}"));
            return new WarningPublished(version);
        });

    [RpcAccess(Roles.DutyOfficer, Roles.Approver, Mutating = true)]
    public override async Task<Warning> Update(UpdateWarningRequest request, ServerCallContext context)
    {
        var list = await snapshots.CurrentAsync();
        var problems = new FieldViolations().Check(request.Note.Trim().Length > 0, "note", "say what changes, for the public and the record").CheckLength(request.Note, "note", ContentRules.MaxNote);
        ContentRules.Check(request.Content, Districts(list), problems);
        return await ChangeAsync(context, "Update", request, request.RequestId, request.WarningId, problems, shapes: request.Content, step: async (history, caller, now) =>
        {
            RequireState(history, WarningState.Published);
            var warning = history.Warning;
            if (request.Content.Hazard != warning.Content.Hazard)
            {
                throw GrpcErrors.InvalidArgument("content.hazard", "a warning keeps its hazard: lift it and issue a new one");
            }

            var proposed = warning.Clone();
            proposed.Content = request.Content.Clone();
            // The updater is the second pair of eyes on an update; a level that needs a leader needs an approver.
            var decision = await DecideAsync(proposed, fastTrack: false, new CandidateSignOffs(true, caller.HasRole(Roles.Approver), warning.MunicipalApprovedBy.Length > 0), now,
                leaderRefusal: true);
            // ...which the maker cannot be for an update that reaches further than the version in force.
            if (UpdateRules.Escalations(warning.Content, request.Content) is { Count: > 0 } escalations)
            {
                RequireSecondPerson(history, caller, $"widen it alone ({string.Join("; ", escalations)}): another officer or an approver must make this update");
            }

            warning.Content = request.Content.Clone();
            var version = AddVersion(history, "Update", caller, now, decision, request.Note.Trim());
            history.Steps.Add(Step(now, caller, "updated", request.Note.Trim()));
            return new WarningUpdated(version, request.Note.Trim());
        });
    }

    [RpcAccess(Roles.DutyOfficer, Roles.Approver, Mutating = true)]
    public override Task<Warning> Lift(LiftRequest request, ServerCallContext context) =>
        ChangeAsync(context, "Lift", request, request.RequestId, request.WarningId,
            new FieldViolations().Check(request.Reason.Trim().Length > 0, "reason", "say why the warning is lifted").CheckLength(request.Reason, "reason", ContentRules.MaxNote),
            async (history, caller, now) =>
            {
                RequireState(history, WarningState.Published);
                var list = await snapshots.CurrentAsync();
                audit.ListVersion = list.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var version = AddVersion(history, "Cancel", caller, now, listVersion: list.Version, measures: [], note: request.Reason.Trim());
                history.Warning.State = WarningState.Lifted;
                history.Steps.Add(Step(now, caller, "lifted", request.Reason.Trim()));
                return new WarningLifted(version, request.Reason.Trim());
            });

    // One path for every step on an existing warning: validate the request, then inside the command
    // load the document, check the caller's department, apply the step, and commit on the condition
    // that the document is still exactly as read.
    // With content (`shapes`), its cheap problems wait until the department is checked, and then
    // the costly geometry is checked too, so nobody outside the department makes it run.
    private Task<Warning> ChangeAsync(ServerCallContext context, string method, IMessage request, string requestId, string warningId, FieldViolations problems,
        Func<WarningHistory, PlatformPrincipal, Instant, Task<object?>> step, bool departmentScoped = true, WarningContent? shapes = null)
    {
        bool idsValid = !new FieldViolations().CheckId(requestId).Check(warningId.Length > 0, "warning_id", "is required").Any;
        problems.CheckId(requestId).Check(warningId.Length > 0, "warning_id", "is required");
        if (shapes is null || !idsValid)
        {
            problems.ThrowIfAny();
        }

        var caller = context.Caller();
        audit.Target = warningId;
        return commands.RunAsync($"{caller.Id}:{method}", requestId, request, async () =>
        {
            var (json, history) = await LoadAsync(warningId);
            if (departmentScoped)
            {
                caller.RequireDepartment(history.Warning.Department);
            }

            if (shapes is not null)
            {
                ContentRules.CheckShapes(shapes, problems);
                problems.ThrowIfAny();
            }

            var now = clock.GetCurrentInstant();
            var @event = await step(history, caller, now);
            history.Warning.Revision++;
            history.Warning.UpdatedAt = now.ToTimestamp();
            var (conditions, writes) = repository.Replace(warningId, json, history);
            return new CommandPlan<Warning>(Present(history.Warning, now), conditions, writes, @event is null ? [] : [@event]);
        });
    }

    private async Task<(string Json, WarningHistory Document)> LoadAsync(string warningId)
    {
        new FieldViolations().Check(warningId.Length > 0, "warning_id", "is required").ThrowIfAny();
        return await repository.LoadAsync(warningId)
            ?? throw GrpcErrors.Build(Code.NotFound, IssuingReasons.WarningNotFound, $"No warning {warningId}.", new Dictionary<string, string> { ["warning_id"] = warningId });
    }

    // The publication list's decision for this warning now; a refusal lists every violation.
    private async Task<ListDecision> DecideAsync(Warning warning, bool fastTrack, CandidateSignOffs? signOffs, Instant now, bool leaderRefusal = false)
    {
        var list = await snapshots.CurrentAsync();
        var content = warning.Content;
        var decision = list.Check(new PublicationCandidate
        {
            Department = warning.Department,
            Hazard = content.Hazard,
            Level = content.Level,
            Areas = content.Districts.ToArray(),
            Channels = content.Channels.ToArray(),
            OnsetAt = content.OnsetAt.ToInstant(),
            ExpiresAt = content.ExpiresAt.ToInstant(),
            Languages = content.Texts.Select(t => t.Language).ToArray(),
            FastTrack = fastTrack,
            SignOffs = signOffs,
        }, now);
        string listVersion = decision.ListVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        audit.ListVersion = listVersion;
        if (decision.Allowed)
        {
            return decision;
        }

        if (leaderRefusal && decision.Violations.All(v => v.Field == "sign_offs.leader_signed_off"))
        {
            throw GrpcErrors.Build(Code.PermissionDenied, IssuingReasons.LeaderRequired,
                $"Level '{content.Level}' needs a leader's sign-off: an approver must make this update.", new Dictionary<string, string> { ["list_version"] = listVersion });
        }

        var failure = new PreconditionFailure();
        failure.Violations.AddRange(decision.Violations.Select(v => new PreconditionFailure.Types.Violation { Type = v.Code, Subject = v.Field, Description = v.Message }));
        throw GrpcErrors.Build(Code.FailedPrecondition, IssuingReasons.ListCheckFailed,
            $"Publication list v{listVersion} does not allow this: {string.Join("; ", decision.Violations.Select(v => $"{v.Code} ({v.Field})"))}.",
            new Dictionary<string, string> { ["list_version"] = listVersion, ["violations"] = string.Join(",", decision.Violations.Select(v => v.Code)) },
            failure);
    }

    private static PublishedWarningVersion AddVersion(WarningHistory history, string kind, PlatformPrincipal caller, Instant now, ListDecision decision, string note) =>
        AddVersion(history, kind, caller, now, decision.ListVersion, decision.ResponseMeasures, note);

    private static PublishedWarningVersion AddVersion(WarningHistory history, string kind, PlatformPrincipal caller, Instant now, long listVersion, IReadOnlyList<string> measures, string note)
    {
        var warning = history.Warning;
        warning.Version++;
        warning.ListVersion = listVersion;
        warning.ResponseMeasures.Clear();
        warning.ResponseMeasures.AddRange(measures);
        var version = new WarningVersion
        {
            Version = warning.Version,
            Kind = kind,
            Content = warning.Content.Clone(),
            PublishedAt = now.ToTimestamp(),
            PublishedBy = caller.Id,
            ListVersion = listVersion,
            Note = note,
            ResponseMeasures = { measures },
        };
        history.Versions.Add(version);
        return Snapshot(history, version);
    }

    /// <summary>One stored version as the bus and CAP see it, with references to every earlier version.</summary>
    public static PublishedWarningVersion Snapshot(WarningHistory history, WarningVersion version)
    {
        var content = version.Content;
        return new PublishedWarningVersion(
            history.Warning.Id,
            version.Version,
            version.Kind,
            history.Versions.Where(v => v.Version < version.Version).Select(v => new WarningVersionReference(v.Version, v.PublishedAt.ToInstant())).ToList(),
            history.Warning.Department,
            content.Hazard,
            content.Level,
            content.Districts.ToList(),
            content.OnsetAt.ToInstant(),
            content.ExpiresAt.ToInstant(),
            content.Channels.ToList(),
            content.Texts.Select(t => new WarningTextContent(t.Language, t.Headline, t.Description, t.Instruction)).ToList(),
            content.Contact,
            version.ResponseMeasures.ToList(),
            version.ListVersion,
            history.Warning.FastTrack,
            version.PublishedAt.ToInstant(),
            version.PublishedBy,
            content.Polygons.Select(p => new GeoPolygon(p.Points.Select(Coordinate).ToList())).ToList(),
            content.Circles.Select(c => new GeoCircle(Coordinate(c.Center), c.RadiusKm)).ToList());
    }

    private static GeoCoordinate Coordinate(GeoPoint point) => new(point.Latitude, point.Longitude);

    private static void RequireState(WarningHistory history, params WarningState[] allowed)
    {
        if (!allowed.Contains(history.Warning.State))
        {
            throw GrpcErrors.Build(Code.FailedPrecondition, IssuingReasons.WrongState,
                $"Warning {history.Warning.Id} is {Name(history.Warning.State)}; this step needs it {string.Join(" or ", allowed.Select(Name))}.",
                new Dictionary<string, string> { ["state"] = Name(history.Warning.State) });
        }
    }

    private static void RequireSecondPerson(WarningHistory history, PlatformPrincipal caller, string what)
    {
        if (history.Warning.Maker == caller.Id)
        {
            throw GrpcErrors.Build(Code.PermissionDenied, IssuingReasons.FourEyes, $"{caller.Id} made warning {history.Warning.Id} and may not {what} it.");
        }
    }

    private static Warning Present(Warning warning, Instant now)
    {
        var shown = warning.Clone();
        shown.SignOffOverdue = warning.FastTrack && warning.SignedOffBy.Length == 0 && warning.SignOffDueAt is not null && now > warning.SignOffDueAt.ToInstant();
        return shown;
    }

    private static WarningStep Step(Instant now, PlatformPrincipal caller, string action, string note = "") =>
        new() { At = now.ToTimestamp(), By = caller.Id, Action = action, Note = note };

    private static string Name(WarningState state) => state.ToString().ToLowerInvariant();

    private static HashSet<string> Districts(CompiledList list) => list.Document.Districts.Select(d => d.Code).ToHashSet();
}
