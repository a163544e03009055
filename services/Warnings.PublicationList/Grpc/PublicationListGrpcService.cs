using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Commands;
using Warnings.Core.Domain;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.PublicationList.Domain;
using Warnings.PublicationList.Storage;
using ListDocument = Warnings.Contracts.V1.PublicationList;

namespace Warnings.PublicationList.Grpc;

/// <summary>Reads, edits, history, dry-run checks and change notifications of the publication list (templates: the other part).</summary>
public sealed partial class PublicationListGrpcService(
    ListRepository repository,
    ListSnapshots snapshots,
    IClock clock,
    CallAudit audit,
    Commands commands) : PublicationListService.PublicationListServiceBase
{
    private const int DefaultHistoryPage = 20;
    private const int MaxHistoryPage = 100;

    /// <summary>At most this many districts in one <c>Check</c> (the city has 16; 310000 covers them all).</summary>
    private const int MaxCheckAreas = 100;

    /// <summary>At most this many channels in one <c>Check</c>.</summary>
    private const int MaxCheckChannels = 20;

    /// <summary>At most this many versions are read for one page of history.</summary>
    private const int MaxHistoryScan = 2 * MaxHistoryPage;

    [RpcAccess(Roles.AnyAuthenticated)]
    public override async Task<ListDocument> GetList(GetListRequest request, ServerCallContext context)
    {
        var problems = new FieldViolations().Check(request.Version >= 0, "version", "must not be negative");
        problems.CheckInstant(request.At, "at", out var at);
        problems.ThrowIfAny();

        long version = request.Version > 0 ? request.Version : request.At is not null ? await repository.VersionAtAsync(at) : (await snapshots.CurrentAsync()).Version;
        var list = await LoadAsync(version);
        if (!context.Caller().HasAnyRole(TemplateReaders))
        {
            list.Templates.Clear(); // the template RPCs' readers only
        }

        return list;
    }

    [RpcAccess(Roles.AnyAuthenticated)]
    public override async Task<Grant> GetGrant(GetGrantRequest request, ServerCallContext context)
    {
        new FieldViolations().Check(request.Id.Length > 0, "id", "is required").Check(request.Version >= 0, "version", "must not be negative").ThrowIfAny();
        var list = request.Version > 0 ? await LoadAsync(request.Version) : (await snapshots.CurrentAsync()).Document;
        return list.Grants.FirstOrDefault(g => g.Id == request.Id)
            ?? throw GrpcErrors.NotFound($"No grant {request.Id} in list v{list.Version}.", new Dictionary<string, string> { ["grant_id"] = request.Id });
    }

    [RpcAccess(Roles.ListAdmin, Mutating = true)]
    public override Task<ListEditResponse> UpsertGrant(UpsertGrantRequest request, ServerCallContext context)
    {
        if (request.Grant is null)
        {
            throw GrpcErrors.InvalidArgument("grant", "is required");
        }

        audit.Target = request.Grant.Id;
        int index = -1;
        return EditAsync(context, request, request.RequestId, request.ExpectedVersion, request.Reason, list =>
        {
            index = list.Grants.ToList().FindIndex(g => g.Id == request.Grant.Id);
            if (index < 0)
            {
                list.Grants.Add(request.Grant.Clone());
                index = list.Grants.Count - 1;
            }
            else
            {
                list.Grants[index] = request.Grant.Clone();
            }
        }, field => field.StartsWith($"list.grants[{index}]", StringComparison.Ordinal) ? "grant" + field[$"list.grants[{index}]".Length..] : field);
    }

    [RpcAccess(Roles.ListAdmin, Mutating = true)]
    public override Task<ListEditResponse> SuspendGrant(ChangeGrantStatusRequest request, ServerCallContext context) =>
        ChangeStatusAsync(request, context, GrantStatus.Suspended);

    [RpcAccess(Roles.ListAdmin, Mutating = true)]
    public override Task<ListEditResponse> RetireGrant(ChangeGrantStatusRequest request, ServerCallContext context) =>
        ChangeStatusAsync(request, context, GrantStatus.Retired);

    [RpcAccess(Roles.ListAdmin, Mutating = true)]
    public override Task<ListEditResponse> UpdateReportingRules(UpdateReportingRulesRequest request, ServerCallContext context)
    {
        if (request.Rules is null)
        {
            throw GrpcErrors.InvalidArgument("rules", "is required");
        }

        audit.Target = "reporting";
        return EditAsync(context, request, request.RequestId, request.ExpectedVersion, request.Reason, list => list.Reporting = request.Rules.Clone(),
            field => field.StartsWith("list.reporting", StringComparison.Ordinal) ? "rules" + field["list.reporting".Length..] : field);
    }

    [RpcAccess(Roles.ListAdmin, Mutating = true)]
    public override Task<ListEditResponse> ImportList(ImportListRequest request, ServerCallContext context)
    {
        if (request.List is null)
        {
            throw GrpcErrors.InvalidArgument("list", "is required");
        }

        audit.Target = "list";
        return EditAsync(context, request, request.RequestId, request.ExpectedVersion, request.Reason, list =>
        {
            // Every field, so whatever the list holds (templates included) is replaced; the edit
            // stamps version, editor and time afresh.
            foreach (var field in ListDocument.Descriptor.Fields.InDeclarationOrder())
            {
                field.Accessor.Clear(list);
            }

            list.MergeFrom(request.List);
        }, field => field);
    }

    [RpcAccess(Roles.AnyAuthenticated)]
    public override async Task<ListHistoryResponse> ListHistory(ListHistoryRequest request, ServerCallContext context)
    {
        long start = 0;
        new FieldViolations()
            .Check(request.PageSize is >= 0 and <= MaxHistoryPage, "page_size", $"must be 1-{MaxHistoryPage} (0 for {DefaultHistoryPage})")
            .Check(request.PageToken.Length == 0 || (long.TryParse(request.PageToken, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out start) && start > 0),
                "page_token", "is not a token this service gave out")
            .ThrowIfAny();

        int size = request.PageSize == 0 ? DefaultHistoryPage : request.PageSize;
        long current = await repository.CurrentVersionAsync();
        if (start > current)
        {
            // Tokens are versions this service handed out, so never beyond the current one.
            throw new FieldViolations().Add("page_token", $"is beyond the list's current version ({current}); it is not a token this service gave out")
                .ToException(Warnings.Core.Grpc.ErrorReasons.PageTokenInvalid);
        }

        long from = request.PageToken.Length > 0 ? start : current;
        var response = new ListHistoryResponse();
        // Every version has its change record, so a page reads `size` versions; the bound only
        // guards against a store with gaps, and the caller going away stops the walk.
        long version = from;
        for (int read = 0; version > 0 && response.Changes.Count < size && read < MaxHistoryScan; version--, read++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (await repository.ChangeAsync(version) is { } change)
            {
                response.Changes.Add(change);
            }
        }

        response.NextPageToken = version > 0 ? version.ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        return response;
    }

    [RpcAccess(Roles.AnyAuthenticated)]
    public override async Task<CheckResponse> Check(CheckRequest request, ServerCallContext context)
    {
        var (candidate, at) = ToCandidate(request);
        var list = await snapshots.CurrentAsync();
        var decision = list.Check(candidate, at);
        audit.ListVersion = decision.ListVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var response = new CheckResponse
        {
            Allowed = decision.Allowed,
            ListVersion = decision.ListVersion,
            GrantId = decision.GrantId ?? "",
            SignOffPolicy = decision.SignOff,
            FastTrackSignOffWithinMinutes = decision.FastTrackSignOffWithinMinutes,
        };
        response.ResponseMeasures.AddRange(decision.ResponseMeasures);
        response.Violations.AddRange(decision.Violations.Select(v => new Violation { Code = v.Code, Field = v.Field, Message = v.Message }));
        return response;
    }

    [RpcAccess(Roles.AnyAuthenticated)]
    public override async Task WatchChanges(WatchChangesRequest request, IServerStreamWriter<ListChange> responseStream, ServerCallContext context)
    {
        new FieldViolations().Check(request.AfterVersion >= 0, "after_version", "must not be negative").ThrowIfAny();
        long latest = (await snapshots.CurrentAsync()).Version;
        if (request.AfterVersion > latest)
        {
            throw new FieldViolations().Add("after_version", $"is beyond the list's current version ({latest})").ToException(Warnings.Core.Grpc.ErrorReasons.VersionBeyondCurrent);
        }

        long sent = request.AfterVersion;
        while (!context.CancellationToken.IsCancellationRequested)
        {
            long current = (await snapshots.CurrentAsync()).Version;
            for (long version = sent + 1; version <= current; version++)
            {
                if (context.CancellationToken.IsCancellationRequested)
                {
                    return;
                }

                if (await repository.ChangeAsync(version) is { } change)
                {
                    await responseStream.WriteAsync(change, context.CancellationToken);
                }

                sent = version;
            }

            try
            {
                await snapshots.WaitForChangeAsync(sent, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                return; // the subscriber went away: the stream simply ends
            }
        }
    }

    private async Task<ListEditResponse> ChangeStatusAsync(ChangeGrantStatusRequest request, ServerCallContext context, GrantStatus status)
    {
        new FieldViolations().Check(request.GrantId.Length > 0, "grant_id", "is required").ThrowIfAny();
        audit.Target = request.GrantId;
        return await EditAsync(context, request, request.RequestId, request.ExpectedVersion, request.Reason, list =>
        {
            var grant = list.Grants.FirstOrDefault(g => g.Id == request.GrantId)
                ?? throw GrpcErrors.NotFound($"No grant {request.GrantId} in list v{list.Version}.", new Dictionary<string, string> { ["grant_id"] = request.GrantId });
            if (grant.Status == status || grant.Status == GrantStatus.Retired)
            {
                throw GrpcErrors.Build(Code.FailedPrecondition, grant.Status == GrantStatus.Retired ? "GRANT_RETIRED" : "GRANT_ALREADY_SUSPENDED",
                    $"Grant {grant.Id} is already {grant.Status.ToString().ToLowerInvariant()}.", new Dictionary<string, string> { ["grant_id"] = grant.Id });
            }

            grant.Status = status;
        }, field => field);
    }

    // One path for every edit, as one command: a repeated request id returns the first answer; a
    // stale base version is refused; the list the edit would produce is validated; then version,
    // history and the PublicationListChanged event (through the outbox) are committed together, on
    // the condition that nobody edited the list meanwhile, and every instance is nudged.
    private async Task<ListEditResponse> EditAsync(ServerCallContext context, IMessage request, string requestId, long expectedVersion, string reason, Action<ListDocument> edit, Func<string, string> fieldFor)
    {
        new FieldViolations()
            .CheckId(requestId)
            .Check(expectedVersion > 0, "expected_version", "give the version the edit is based on")
            .Check(reason.Trim().Length > 0, "reason", "say why the list changes")
            .ThrowIfAny();

        var caller = context.Caller();
        (ListDocument Document, CommandPlan<ListEditResponse> Plan)? planned = null;
        var response = await commands.RunAsync($"{caller.Id}:EditList", requestId, request, async () =>
        {
            long current = await repository.CurrentVersionAsync();
            if (expectedVersion != current)
            {
                throw Stale(current);
            }

            // The snapshot in effect, when it is that version as stored (a version is written once;
            // only a store restored to an older backup can hold another edit under its number): the
            // edit starts from it instead of reading and parsing the whole list again.
            var snapshot = snapshots.Cached;
            var before = snapshot.Version == current && await repository.IsStoredAsync(snapshot.Document)
                ? snapshot.Document
                : await repository.LoadAsync(current) ?? new ListDocument();
            planned = ListEditPlan.For(current, before, edit, fieldFor, reason, requestId, caller.Id, clock.GetCurrentInstant());
            return planned.Value.Plan;
        }, operation: context.Method); // SuspendGrant and RetireGrant share a message: an id names one of them

        audit.ListVersion = response.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await repository.NudgeAsync(response.Version);
        // This instance enforces its own edit before answering: from the document it planned, when the
        // answer is that plan's (not a repeat of the request id, nor a plan whose commit lost a race,
        // whose change records differ; if one were equal, so would be the documents).
        if (planned is { } plan && plan.Plan.Response.Change.Equals(response.Change))
        {
            await snapshots.AdoptAsync(plan.Document);
        }
        else
        {
            await snapshots.CurrentAsync();
        }

        return response;
    }

    private static RpcException Stale(long current) => GrpcErrors.Build(Code.Aborted, "LIST_VERSION_STALE",
        $"The list is at version {current}; re-read it and apply the edit to that version.",
        new Dictionary<string, string> { ["current_version"] = current.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    private async Task<ListDocument> LoadAsync(long version) =>
        await repository.LoadAsync(version)
        ?? throw GrpcErrors.NotFound(version == 0 ? "There was no publication list at that time." : $"No publication list version {version}.",
            new Dictionary<string, string> { ["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    private (PublicationCandidate Candidate, Instant At) ToCandidate(CheckRequest request)
    {
        var problems = new FieldViolations()
            .Check(request.Department.Length > 0, "department", "is required")
            .Check(request.Hazard.Length > 0, "hazard", "is required")
            .Check(request.Level.Length == 0 || WarningLevels.IsKnown(request.Level), "level", "must be blue, yellow, orange, red, or empty for a notice")
            .Check(request.Areas.Count > 0, "areas", "at least one district code (310000 for the whole city)")
            .Check(request.Channels.Count > 0, "channels", "at least one channel")
            .CheckCount(request.Areas.Count, "areas", MaxCheckAreas)
            .CheckCount(request.Channels.Count, "channels", MaxCheckChannels)
            .CheckCount(request.Languages.Count, "languages", MaxCheckChannels);
        if (request.Areas.Count > MaxCheckAreas || request.Channels.Count > MaxCheckChannels)
        {
            problems.ThrowIfAny(); // too many to look at each
        }

        for (int i = 0; i < request.Areas.Count; i++)
        {
            problems.Check(request.Areas[i].Length == 6 && request.Areas[i].All(char.IsAsciiDigit), $"areas[{i}]", "must be a 6-digit district code");
        }

        problems.CheckInstant(request.OnsetAt, "onset_at", out var onset, optional: false);
        problems.CheckInstant(request.ExpiresAt, "expires_at", out var expires, optional: false);
        if (request.OnsetAt is not null && request.ExpiresAt is not null)
        {
            problems.Check(expires > onset, "expires_at", "must be after onset_at");
        }

        var at = clock.GetCurrentInstant();
        problems.CheckInstant(request.At, "at", out var requestedAt);
        at = request.At is null ? at : requestedAt;
        problems.ThrowIfAny();
        return (new PublicationCandidate
        {
            Department = request.Department,
            Hazard = request.Hazard,
            Level = request.Level,
            Areas = request.Areas.ToArray(),
            Channels = request.Channels.ToArray(),
            OnsetAt = onset,
            ExpiresAt = expires,
            Languages = request.Languages.ToArray(),
            FastTrack = request.FastTrack,
            SignOffs = request.SignOffs is { } s ? new CandidateSignOffs(s.Reviewed, s.LeaderSignedOff, s.MunicipalApproved) : null,
        }, at);
    }
}
