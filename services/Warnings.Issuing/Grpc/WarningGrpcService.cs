using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Options;
using NodaTime;
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

namespace Warnings.Issuing.Grpc;

/// <summary>
/// The warning life cycle's calls. Each mutating RPC is one <see cref="Commands"/> run: it checks the
/// request and the caller's department, loads the warning, applies the step through
/// <see cref="WarningLifeCycle"/> (state, four-eyes and the publication list as it is now are its
/// rules), and commits the new document, its events (through the outbox) and the answer together;
/// a repeated request id returns the first answer. The reads are in <c>WarningGrpcService.Queries.cs</c>.
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
            var life = WarningLifeCycle.Draft(id, department, content!, caller, now, note, signer);
            var (conditions, writes) = repository.Create(id, life.History);
            return Task.FromResult(new CommandPlan<Warning>(WarningLifeCycle.Present(life.Warning, now), conditions, writes, []));
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
        return await ChangeAsync(context, "EditDraft", request, request.RequestId, request.WarningId, problems, shapes: request.Content,
            step: (life, caller, now) => Done(() => life.Edit(request.Content, caller, now)));
    }

    [RpcAccess(Roles.DutyOfficer, Mutating = true)]
    public override Task<Warning> Submit(WarningActionRequest request, ServerCallContext context) =>
        ChangeAsync(context, "Submit", request, request.RequestId, request.WarningId, new FieldViolations(),
            async (life, caller, now) =>
            {
                await life.Submit(DecidingListAsync, caller, now);
                return null;
            });

    [RpcAccess(Roles.DutyOfficer, Roles.Approver, Mutating = true)]
    public override Task<Warning> Review(ReviewRequest request, ServerCallContext context) =>
        ChangeAsync(context, "Review", request, request.RequestId, request.WarningId,
            new FieldViolations().Check(request.Approve || request.Comment.Trim().Length > 0, "comment", "say why the warning is sent back").CheckLength(request.Comment, "comment", ContentRules.MaxNote),
            (life, caller, now) => Done(() => life.Review(request.Approve, request.Comment, caller, now)));

    [RpcAccess(Roles.Approver, Mutating = true)]
    public override Task<Warning> SignOff(WarningActionRequest request, ServerCallContext context) =>
        ChangeAsync(context, "SignOff", request, request.RequestId, request.WarningId, new FieldViolations(),
            (life, caller, now) => Done(() => life.SignOff(caller, now)));

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

        return ChangeAsync(context, "ApproveNetworkSms", request, request.RequestId, request.WarningId, new FieldViolations(),
            (life, approver, now) => Done(() => life.ApproveNetworkSms(approver, now)), departmentScoped: false);
    }

    [RpcAccess(Roles.DutyOfficer, Mutating = true)]
    public override Task<Warning> Publish(WarningActionRequest request, ServerCallContext context) =>
        ChangeAsync(context, "Publish", request, request.RequestId, request.WarningId, new FieldViolations(),
            async (life, caller, now) => await life.Publish(DecidingListAsync, caller, now));

    [RpcAccess(Roles.DutyOfficer, Mutating = true)]
    public override Task<Warning> EmergencyPublish(WarningActionRequest request, ServerCallContext context) =>
        ChangeAsync(context, "EmergencyPublish", request, request.RequestId, request.WarningId, new FieldViolations(),
            async (life, caller, now) => await life.EmergencyPublish(DecidingListAsync, caller, now));

    [RpcAccess(Roles.DutyOfficer, Roles.Approver, Mutating = true)]
    public override async Task<Warning> Update(UpdateWarningRequest request, ServerCallContext context)
    {
        var list = await snapshots.CurrentAsync();
        var problems = new FieldViolations().Check(request.Note.Trim().Length > 0, "note", "say what changes, for the public and the record").CheckLength(request.Note, "note", ContentRules.MaxNote);
        ContentRules.Check(request.Content, Districts(list), problems);
        return await ChangeAsync(context, "Update", request, request.RequestId, request.WarningId, problems, shapes: request.Content,
            step: async (life, caller, now) => await life.Update(request.Content, request.Note, DecidingListAsync, caller, now));
    }

    [RpcAccess(Roles.DutyOfficer, Roles.Approver, Mutating = true)]
    public override Task<Warning> Lift(LiftRequest request, ServerCallContext context) =>
        ChangeAsync(context, "Lift", request, request.RequestId, request.WarningId,
            new FieldViolations().Check(request.Reason.Trim().Length > 0, "reason", "say why the warning is lifted").CheckLength(request.Reason, "reason", ContentRules.MaxNote),
            async (life, caller, now) => await life.Lift(request.Reason, DecidingListAsync, caller, now));

    // One path for every step on an existing warning: validate the request, then inside the command
    // load the document, check the caller's department, apply the step, and commit on the condition
    // that the document is still exactly as read.
    // With content (`shapes`), its cheap problems wait until the department is checked, and then
    // the costly geometry is checked too, so nobody outside the department makes it run.
    private Task<Warning> ChangeAsync(ServerCallContext context, string method, IMessage request, string requestId, string warningId, FieldViolations problems,
        Func<WarningLifeCycle, PlatformPrincipal, Instant, Task<object?>> step, bool departmentScoped = true, WarningContent? shapes = null)
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
            var life = WarningLifeCycle.Of(history);
            var @event = await step(life, caller, now);
            var (conditions, writes) = repository.Replace(warningId, json, life.History);
            return new CommandPlan<Warning>(WarningLifeCycle.Present(life.Warning, now), conditions, writes, @event is null ? [] : [@event]);
        });
    }

    private async Task<(string Json, WarningHistory Document)> LoadAsync(string warningId)
    {
        new FieldViolations().Check(warningId.Length > 0, "warning_id", "is required").ThrowIfAny();
        return await repository.LoadAsync(warningId)
            ?? throw GrpcErrors.Build(Code.NotFound, IssuingReasons.WarningNotFound, $"No warning {warningId}.", new Dictionary<string, string> { ["warning_id"] = warningId });
    }

    // The list a step is decided against: as fresh as the store, and named in the call's audit entry
    // (only when the step got as far as asking for it).
    private async ValueTask<CompiledList> DecidingListAsync()
    {
        var list = await snapshots.CurrentAsync();
        audit.ListVersion = list.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return list;
    }

    // A step that causes no event.
    private static Task<object?> Done(Action step)
    {
        step();
        return Task.FromResult<object?>(null);
    }

    private static HashSet<string> Districts(CompiledList list) => list.Document.Districts.Select(d => d.Code).ToHashSet();
}
