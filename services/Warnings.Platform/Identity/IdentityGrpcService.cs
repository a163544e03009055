using System.Text.RegularExpressions;
using Google.Rpc;
using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Domain;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.Core.Storage;
using Entitlements = Warnings.Contracts.V1.Entitlements;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Identity;

/// <summary>Who am I, and the operator's API-key management: issue (shown once), revoke, list. Display sessions: see IdentityGrpcService.Displays.cs.</summary>
public sealed partial class IdentityGrpcService(ApiKeyRegistry registry, DisplaySessions displays, IStateStore store, IClock clock, CallAudit audit, Warnings.Core.Commands.Commands commands) : IdentityService.IdentityServiceBase
{
    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex PrincipalIdPattern();

    [GeneratedRegex("^[0-9]{6}$")]
    private static partial Regex DistrictPattern();

    [RpcAccess(Roles.AnyAuthenticated)]
    public override Task<Principal> WhoAmI(WhoAmIRequest request, ServerCallContext context) =>
        Task.FromResult(ToProto(context.Caller()));

    [RpcAccess(Roles.Operator, Mutating = true)]
    public override async Task<IssueApiKeyResponse> IssueApiKey(IssueApiKeyRequest request, ServerCallContext context)
    {
        var now = clock.GetCurrentInstant();
        Instant? expiresAt = null;
        var problems = new FieldViolations()
            .CheckId(request.RequestId)
            .Check(PrincipalIdPattern().IsMatch(request.PrincipalId), "principal_id", "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', '@' or '-'")
            .Check(request.Roles.Count > 0, "roles", "at least one role is required");
        foreach (var role in request.Roles.Where(r => !Roles.IsKnown(r)))
        {
            problems.Add("roles", $"unknown role '{role}'; roles are {string.Join(", ", Roles.All)}");
        }

        bool issues = request.Roles.Contains(Roles.DutyOfficer) || request.Roles.Contains(Roles.Approver);
        problems.Check(!issues || request.Department.Length > 0, "department", "duty officers and approvers need their department");
        problems.Check(!request.Roles.Contains(Roles.DistrictReporter) || DistrictPattern().IsMatch(request.District), "district",
            "district reporters need a 6-digit district code (310000 for the whole city)");
        if (request.Roles.Contains(Roles.Partner))
        {
            var e = request.Entitlements;
            problems.Check(e is not null && e.Hazards.Count > 0, "entitlements.hazards", "partners need at least one hazard, or '*'");
            problems.Check(e is not null && e.Districts.Count > 0 && e.Districts.All(DistrictPattern().IsMatch), "entitlements.districts",
                "partners need 6-digit district codes (310000 for the whole city)");
            problems.Check(e is not null && WarningLevels.IsKnown(e.MinimumLevel), "entitlements.minimum_level", "must be blue, yellow, orange or red");
        }

        if (request.ExpiresAt is not null)
        {
            problems.Check(TimestampConversions.TryToInstant(request.ExpiresAt, out var expiry) && expiry > now, "expires_at", "must be a valid instant in the future");
            expiresAt = expiry;
        }

        problems.ThrowIfAny();

        var caller = context.Caller();
        await commands.RememberAsync($"{caller.Id}:IssueApiKey", request.RequestId, request);
        var (keyId, key) = ApiKeyFormat.Generate();
        var entitlements = request.Entitlements ?? new Entitlements();
        var record = new ApiKeyRecord(keyId, ApiKeyFormat.Hash(key), request.PrincipalId, request.Roles.Distinct().ToList(),
            NullIfEmpty(request.Department), NullIfEmpty(request.District), entitlements.Hazards.ToList(), entitlements.Districts.ToList(),
            NullIfEmpty(entitlements.MinimumLevel), now, caller.Id, expiresAt);
        await registry.SaveAsync(record);

        // A repeated request must not mint a second key, and the first key's secret is gone: say so.
        if (!await store.HashSetIfAbsentAsync(new StoreKey("apikey-requests", caller.Id), request.RequestId, keyId))
        {
            await registry.SaveAsync(record with { RevokedAt = now, RevokedBy = caller.Id, RevokeReason = "duplicate request" });
            string first = (await store.HashGetAllAsync(new StoreKey("apikey-requests", caller.Id)))[request.RequestId];
            audit.Target = first;
            throw GrpcErrors.Build(Code.AlreadyExists, "REQUEST_ALREADY_DONE",
                $"Request {request.RequestId} already issued key {first}; its secret was shown once. Issue a new key with a new request_id.",
                new Dictionary<string, string> { ["key_id"] = first });
        }

        audit.Target = keyId;
        return new IssueApiKeyResponse { KeyId = keyId, ApiKey = key, Info = ToProto(record) };
    }

    [RpcAccess(Roles.Operator, Mutating = true)]
    public override async Task<RevokeApiKeyResponse> RevokeApiKey(RevokeApiKeyRequest request, ServerCallContext context)
    {
        new FieldViolations()
            .CheckId(request.RequestId)
            .Check(request.KeyId.Length > 0, "key_id", "is required")
            .Check(request.Reason.Trim().Length > 0, "reason", "say why the key is revoked")
            .ThrowIfAny();
        audit.Target = request.KeyId;

        var stored = (await registry.ListStoredAsync()).FirstOrDefault(k => k.KeyId == request.KeyId);
        if (stored is null)
        {
            throw await registry.GetAsync(request.KeyId) is not null
                ? GrpcErrors.Build(Code.FailedPrecondition, "API_KEY_CONFIGURED", $"Key {request.KeyId} comes from configuration; remove it there.")
                : GrpcErrors.NotFound($"No API key {request.KeyId}.", new Dictionary<string, string> { ["key_id"] = request.KeyId });
        }

        // After the lookup: a refused request (a mistyped key id) must not use up its id.
        await commands.RememberAsync($"{context.Caller().Id}:RevokeApiKey", request.RequestId, request);
        if (stored.RevokedAt is not null)
        {
            return new RevokeApiKeyResponse { Info = ToProto(stored) }; // already revoked: the first revocation stands
        }

        var revoked = stored with { RevokedAt = clock.GetCurrentInstant(), RevokedBy = context.Caller().Id, RevokeReason = request.Reason.Trim() };
        await registry.SaveAsync(revoked);
        return new RevokeApiKeyResponse { Info = ToProto(revoked) };
    }

    [RpcAccess(Roles.Operator)]
    public override async Task<ListApiKeysResponse> ListApiKeys(ListApiKeysRequest request, ServerCallContext context)
    {
        var problems = new FieldViolations();
        var page = Paging.Read(request.PageSize, request.PageToken, problems);
        problems.ThrowIfAny();
        // Oldest first, so a key issued while a client pages through comes on a later page.
        var (keys, next) = page.Take(await registry.ListStoredAsync(), _ => true);
        var response = new ListApiKeysResponse { NextPageToken = next };
        response.Keys.AddRange(keys.Select(ToProto));
        return response;
    }

    private static ApiKeyInfo ToProto(ApiKeyRecord record)
    {
        var info = new ApiKeyInfo
        {
            KeyId = record.KeyId,
            Principal = ToProto(record.ToPrincipal()),
            IssuedAt = record.IssuedAt.ToTimestamp(),
            IssuedBy = record.IssuedBy,
            RevokedBy = record.RevokedBy ?? "",
            RevokeReason = record.RevokeReason ?? "",
        };
        if (record.ExpiresAt is { } expires)
        {
            info.ExpiresAt = expires.ToTimestamp();
        }

        if (record.RevokedAt is { } revoked)
        {
            info.RevokedAt = revoked.ToTimestamp();
        }

        return info;
    }

    private static Principal ToProto(PlatformPrincipal principal)
    {
        var proto = new Principal
        {
            Id = principal.Id,
            Department = principal.Department ?? "",
            District = principal.District ?? "",
            AuthenticatedBy = principal.AuthenticatedBy,
            KeyId = principal.KeyId ?? "",
        };
        proto.Roles.AddRange(principal.Roles.Order(StringComparer.Ordinal));
        if (principal.Entitlements is { } e)
        {
            proto.Entitlements = new Entitlements { MinimumLevel = e.MinimumLevel };
            proto.Entitlements.Hazards.AddRange(e.Hazards.Order(StringComparer.Ordinal));
            proto.Entitlements.Districts.AddRange(e.Districts.Order(StringComparer.Ordinal));
        }

        return proto;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
