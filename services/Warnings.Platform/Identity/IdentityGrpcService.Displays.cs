using Google.Rpc;
using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Commands;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.Core.Storage;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Identity;

/// <summary>
/// The operator's display sessions (<see cref="DisplaySession"/>): issue (the pairing code shown
/// once), list, revoke. Issuing and revoking are commands; the audit log records each with the
/// session as its target, like every identity change.
/// </summary>
public sealed partial class IdentityGrpcService
{
    public const string PairingPath = "/dashboard/pair";

    [RpcAccess(Roles.Operator, Mutating = true)]
    public override async Task<IssueDisplaySessionResponse> IssueDisplaySession(IssueDisplaySessionRequest request, ServerCallContext context)
    {
        var now = clock.GetCurrentInstant();
        string label = request.Label.Trim();
        Instant? expiresAt = null;
        var problems = new FieldViolations()
            .CheckId(request.RequestId)
            .Check(label.Length is > 0 and <= DisplaySession.MaxLabelLength, "label", $"1-{DisplaySession.MaxLabelLength} characters saying which screen this is");
        if (request.ExpiresAt is not null)
        {
            if (!TimestampConversions.TryToInstant(request.ExpiresAt, out var expiry))
            {
                problems.Add("expires_at", "must be a valid instant");
            }
            else if (DisplaySession.CheckExpiry(expiry, now) is { } why)
            {
                problems.Add("expires_at", why);
            }
            else
            {
                expiresAt = expiry;
            }
        }

        problems.ThrowIfAny();
        var caller = context.Caller();
        string? code = null, issued = null;
        var response = await commands.RunAsync($"{caller.Id}:IssueDisplaySession", request.RequestId, request, async () =>
        {
            if (await displays.CountAsync() >= DisplaySessions.MaxSessions)
            {
                throw GrpcErrors.Build(Code.ResourceExhausted, "DISPLAY_SESSIONS_FULL", $"The platform keeps at most {DisplaySessions.MaxSessions} display sessions.");
            }

            code = SessionSecrets.New();
            var session = DisplaySession.Issue($"ds_{Guid.NewGuid():N}"[..19], label, now, caller.Id, expiresAt, SessionSecrets.Hash(code));
            issued = session.Id;
            // The stored answer (what a repeat would get) holds no code: the code is never kept.
            return new CommandPlan<IssueDisplaySessionResponse>(new IssueDisplaySessionResponse { Info = ToProto(session, now), PairingPath = PairingPath },
                [new StoreCondition(DisplaySessions.RecordKey(session.Id), null)], DisplaySessions.IssueWrites(session), []);
        });
        audit.Target = response.Info.DisplayId;

        // A repeat must not see a code it cannot use; the first response had it, once.
        if (response.Info.DisplayId != issued)
        {
            throw GrpcErrors.Build(Code.AlreadyExists, "REQUEST_ALREADY_DONE",
                $"Request {request.RequestId} already issued display session {response.Info.DisplayId}; its pairing code was shown once. Revoke it and issue a new one with a new request_id.",
                new Dictionary<string, string> { ["display_id"] = response.Info.DisplayId });
        }

        var answer = response.Clone();
        answer.PairingCode = code!;
        return answer;
    }

    [RpcAccess(Roles.Operator)]
    public override async Task<ListDisplaySessionsResponse> ListDisplaySessions(ListDisplaySessionsRequest request, ServerCallContext context)
    {
        var problems = new FieldViolations();
        var page = Paging.Read(request.PageSize, request.PageToken, problems);
        problems.ThrowIfAny();
        var now = clock.GetCurrentInstant();
        var (sessions, next) = page.Take(await displays.ListAsync(), _ => true);
        var response = new ListDisplaySessionsResponse { NextPageToken = next };
        response.Sessions.AddRange(sessions.Select(s => ToProto(s, now)));
        return response;
    }

    [RpcAccess(Roles.Operator, Mutating = true)]
    public override async Task<RevokeDisplaySessionResponse> RevokeDisplaySession(RevokeDisplaySessionRequest request, ServerCallContext context)
    {
        string reason = request.Reason.Trim();
        new FieldViolations()
            .CheckId(request.RequestId)
            .Check(request.DisplayId.Length is > 0 and <= 64, "display_id", "is required (at most 64 characters)")
            .Check(reason.Length is > 0 and <= 500, "reason", "say why the display session is revoked (at most 500 characters)")
            .ThrowIfAny();
        audit.Target = request.DisplayId;
        var caller = context.Caller();
        var response = await commands.RunAsync($"{caller.Id}:RevokeDisplaySession", request.RequestId, request, async () =>
        {
            var (session, stored) = await displays.ReadAsync(request.DisplayId);
            if (session is null)
            {
                throw GrpcErrors.NotFound($"No display session {request.DisplayId}.", new Dictionary<string, string> { ["display_id"] = request.DisplayId });
            }

            var now = clock.GetCurrentInstant();
            var revoked = session.Revoke(now, caller.Id, reason);
            return new CommandPlan<RevokeDisplaySessionResponse>(new RevokeDisplaySessionResponse { Info = ToProto(revoked, now) },
                [new StoreCondition(DisplaySessions.RecordKey(session.Id), stored)], [DisplaySessions.Write(revoked)], []);
        });

        // Open event streams of the screen look at their session again now, and end.
        await displays.NotifyRevokedAsync(request.DisplayId);
        return response;
    }

    private static DisplaySessionInfo ToProto(DisplaySession session, Instant now)
    {
        var info = new DisplaySessionInfo
        {
            DisplayId = session.Id,
            Label = session.Label,
            Status = session.Status(now) switch
            {
                DisplayStatus.AwaitingPairing => "awaiting_pairing",
                DisplayStatus.Paired => "paired",
                DisplayStatus.PairingExpired => "pairing_expired",
                DisplayStatus.Expired => "expired",
                _ => "revoked",
            },
            IssuedAt = session.IssuedAt.ToTimestamp(),
            IssuedBy = session.IssuedBy,
            ExpiresAt = session.ExpiresAt.ToTimestamp(),
            PairingExpiresAt = session.PairingExpiresAt.ToTimestamp(),
            RevokedBy = session.RevokedBy ?? "",
            RevokeReason = session.RevokeReason ?? "",
        };
        if (session.PairedAt is { } paired)
        {
            info.PairedAt = paired.ToTimestamp();
        }

        if (session.RevokedAt is { } revoked)
        {
            info.RevokedAt = revoked.ToTimestamp();
        }

        return info;
    }
}
