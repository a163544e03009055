using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Audit;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;

namespace Warnings.Platform.Identity;

/// <summary>The operator's view of the audit log: page through it by time, and verify its chain.</summary>
public sealed class AuditGrpcService(AuditLog audit, IClock clock) : AuditService.AuditServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    [RpcAccess(Roles.Operator)]
    public override async Task<ListAuditEntriesResponse> ListAuditEntries(ListAuditEntriesRequest request, ServerCallContext context)
    {
        var from = Instant.MinValue;
        var to = clock.GetCurrentInstant();
        var problems = new FieldViolations();
        if (request.From is not null)
        {
            problems.Check(TimestampConversions.TryToInstant(request.From, out from), "from", "is not a valid timestamp");
        }

        if (request.To is not null)
        {
            problems.Check(TimestampConversions.TryToInstant(request.To, out to), "to", "is not a valid timestamp");
        }

        problems.Check(from <= to, "to", "must not be before from")
            .Check(request.PageSize is >= 0 and <= MaxPageSize, "page_size", $"must be 1-{MaxPageSize} (0 for {DefaultPageSize})")
            .Check(request.PageToken.Length == 0 || AuditLog.IsPageToken(request.PageToken), "page_token", "is not a token this service gave out")
            .ThrowIfAny();

        int pageSize = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var page = await audit.ListAsync(from, to, request.PageToken.Length == 0 ? null : request.PageToken, pageSize);
        var response = new ListAuditEntriesResponse { NextPageToken = page.Count == pageSize ? page[^1].Id : "" };
        response.Entries.AddRange(page.Select(ToProto));
        return response;
    }

    [RpcAccess(Roles.Operator)]
    public override async Task<VerifyAuditChainResponse> VerifyAuditChain(VerifyAuditChainRequest request, ServerCallContext context)
    {
        var result = await audit.VerifyAsync(context.CancellationToken);
        return new VerifyAuditChainResponse
        {
            Intact = result.Intact,
            EntriesChecked = (ulong)result.EntriesChecked,
            FirstBrokenEntryId = result.FirstBrokenEntryId ?? "",
            Problem = result.Problem ?? "",
        };
    }

    private static AuditEntry ToProto(StoredAuditRecord stored)
    {
        var r = stored.Record;
        var entry = new AuditEntry
        {
            Id = stored.Id,
            At = r.At.ToTimestamp(),
            PrincipalId = r.PrincipalId ?? "",
            Action = r.Action,
            Target = r.Target ?? "",
            Outcome = r.Outcome,
            Reason = r.Reason ?? "",
            ListVersion = r.ListVersion ?? "",
            RequestId = r.RequestId ?? "",
            PreviousHash = r.PreviousHash,
            Hash = stored.Hash,
        };
        entry.Roles.AddRange(r.Roles);
        return entry;
    }
}
