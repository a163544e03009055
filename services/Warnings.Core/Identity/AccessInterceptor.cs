using System.Threading.RateLimiting;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Warnings.Core.Audit;
using Warnings.Core.Grpc;

namespace Warnings.Core.Identity;

/// <summary>
/// The one gate in front of every gRPC method. In order: authenticate (API key or JWT, already
/// evaluated by the authentication middleware), find the method's <see cref="RpcAccessAttribute"/>,
/// check the caller's roles, rate-limit mutating calls per principal, run the call, and append one
/// audit entry for every mutating call (allowed or refused) and every refused credential (at a
/// bounded rate per client address, see <see cref="RefusalAuditThrottle"/>).
/// The gRPC health and reflection services are open: probes and tooling need no key.
/// </summary>
public sealed class AccessInterceptor(AuditLog audit, MutatingCallLimiter limiter, RefusalAuditThrottle refusals, ILogger<AccessInterceptor> logger) : Interceptor
{
    private static readonly string[] OpenServicePrefixes = ["/grpc.health.v1.", "/grpc.reflection."];

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        TResponse response = default!;
        await GuardAsync(request, context, async () => response = await continuation(request, context));
        return response;
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        GuardAsync(request, context, () => continuation(request, responseStream, context));

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        TResponse response = default!;
        await GuardAsync<TRequest>(null, context, async () => response = await continuation(requestStream, context));
        return response;
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        GuardAsync<TRequest>(null, context, () => continuation(requestStream, responseStream, context));

    private async Task GuardAsync<TRequest>(TRequest? request, ServerCallContext context, Func<Task> call)
    {
        if (OpenServicePrefixes.Any(p => context.Method.StartsWith(p, StringComparison.Ordinal)))
        {
            await call();
            return;
        }

        var http = context.GetHttpContext();
        var access = http.GetEndpoint()?.Metadata.GetMetadata<RpcAccessAttribute>();
        // An undeclared RPC counts as mutating: refusing it is worth an audit entry.
        bool mutating = access?.Mutating ?? true;
        var entry = new AuditRecord(default, null, [], context.Method, null, "OK", null, null, RequestIdOf(request), "");

        var authentication = await http.AuthenticateAsync();
        var caller = PlatformPrincipal.From(authentication.Principal);
        if (caller is null)
        {
            var (reason, message) = authentication.Failure switch
            {
                CredentialRejectedException rejected => (rejected.Reason, rejected.Message),
                SecurityTokenExpiredException => (IdentityReasons.TokenExpired, "The bearer token has expired."),
                not null => (IdentityReasons.TokenInvalid, "The bearer token is not valid."),
                null => (IdentityReasons.CredentialsMissing, "This call needs credentials: 'authorization: ApiKey <key>' or 'authorization: Bearer <jwt>'."),
            };
            var refusal = GrpcErrors.Build(reason == IdentityReasons.CsrfTokenInvalid ? Code.PermissionDenied : Code.Unauthenticated, reason, message);
            // A presented-but-bad credential is always worth a record, a missing one only on mutating
            // calls; per client address at a bounded rate, repeats folded into the next entry.
            string address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            if ((mutating || authentication.Failure is not null) && refusals.ShouldRecord(address, out long folded))
            {
                await RecordAsync(entry with { Target = RefusalAuditThrottle.TargetOf(address, folded) }, http, refusal);
            }

            throw refusal;
        }

        http.SetCaller(caller);
        entry = entry with { PrincipalId = caller.Id, Roles = caller.Roles.Order(StringComparer.Ordinal).ToList() };

        if (access is null || !access.Allows(caller))
        {
            var refusal = access is null
                ? GrpcErrors.Build(Code.PermissionDenied, IdentityReasons.RpcNotDeclared, $"{context.Method} declares no roles, so no one may call it.")
                : GrpcErrors.Build(Code.PermissionDenied, IdentityReasons.RoleNotAllowed,
                    $"{context.Method} is for {string.Join(", ", access.Roles)}; {caller.Id} has {(caller.Roles.Count == 0 ? "no roles" : string.Join(", ", caller.Roles))}.",
                    new Dictionary<string, string> { ["allowed_roles"] = string.Join(",", access.Roles) });
            if (mutating)
            {
                await RecordAsync(entry, http, refusal);
            }

            throw refusal;
        }

        if (!mutating)
        {
            await call();
            return;
        }

        if (limiter.TryAcquire(caller.Id) is { } retryAfter)
        {
            var refusal = GrpcErrors.Build(Code.ResourceExhausted, IdentityReasons.RateLimited,
                $"Too many changes from {caller.Id}; retry in {retryAfter.TotalSeconds:0.#} s.",
                new Dictionary<string, string> { ["retry_after_ms"] = ((long)retryAfter.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                new RetryInfo { RetryDelay = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(retryAfter) });
            await RecordAsync(entry, http, refusal);
            throw refusal;
        }

        try
        {
            await call();
        }
        catch (Exception e)
        {
            await RecordAsync(entry, http, e);
            throw;
        }

        if (!await RecordAsync(entry, http, failure: null))
        {
            // Never acknowledge a change without its audit entry. The change itself committed; the
            // client's retry with the same request id gets the first answer and this entry then.
            throw ErrorMappingInterceptor.Unavailable("The audit log");
        }
    }

    private async Task<bool> RecordAsync(AuditRecord entry, HttpContext http, Exception? failure)
    {
        var details = http.RequestServices.GetService<CallAudit>();
        var (outcome, reason) = failure switch
        {
            null => ("OK", null),
            RpcException rpc => (StatusName(rpc.StatusCode), rpc.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason),
            OperationCanceledException => ("CANCELLED", null),
            _ => ("INTERNAL", ErrorReasons.Internal),
        };
        try
        {
            // Bounded: a client's deadline is typically 5 s, and it should hear UNAVAILABLE before then.
            using var timeout = new CancellationTokenSource(AuditTimeout);
            await audit.AppendAsync(entry with { Outcome = outcome, Reason = reason, Target = details?.Target ?? entry.Target, ListVersion = details?.ListVersion }, timeout.Token);
            return true;
        }
        catch (Exception e)
        {
            // A store that cannot take the audit entry is also failing the calls themselves, and
            // readiness reports it. A refused call stays refused; a successful one is turned into
            // UNAVAILABLE by the caller.
            logger.LogError(e, "Could not append the audit entry for {Action} by {Principal}", entry.Action, entry.PrincipalId);
            return false;
        }
    }

    private static readonly TimeSpan AuditTimeout = TimeSpan.FromSeconds(3);

    // UNAUTHENTICATED, PERMISSION_DENIED...: the names of google.rpc.Code, as clients see them.
    private static string StatusName(StatusCode code) => CodeReflection.Descriptor.EnumTypes[0].FindValueByNumber((int)code)?.Name ?? code.ToString();

    private static string? RequestIdOf<TRequest>(TRequest? request) =>
        request is IMessage message && message.Descriptor.FindFieldByName("request_id") is { FieldType: Google.Protobuf.Reflection.FieldType.String } field
            ? field.Accessor.GetValue(message) as string is { Length: > 0 } id ? id : null
            : null;
}

/// <summary>
/// Token bucket per principal for mutating calls (per instance): a burst, then a steady rate.
/// Returns how long to wait when a call is over the limit.
/// </summary>
public sealed class MutatingCallLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public MutatingCallLimiter(RateLimitOptions options)
    {
        int perMinute = Math.Max(1, options.MutatingCallsPerMinute);
        _limiter = PartitionedRateLimiter.Create<string, string>(principal => RateLimitPartition.GetTokenBucketLimiter(principal, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, options.Burst),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Null when the call may go ahead; otherwise how long until it may.</summary>
    public TimeSpan? TryAcquire(string principalId)
    {
        using var lease = _limiter.AttemptAcquire(principalId);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter.Dispose();
}
