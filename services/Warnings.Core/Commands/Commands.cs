using System.Security.Cryptography;
using Google.Protobuf;
using Google.Rpc;
using MassTransit;
using NodaTime;
using Warnings.Core.Grpc;
using Warnings.Core.Storage;

namespace Warnings.Core.Commands;

/// <summary>
/// What a command would do, worked out from the state it read: the response, the conditions that
/// state must still meet (e.g. "warning w-1 is still at revision 4"), the writes, and the events.
/// </summary>
public sealed record CommandPlan<TResponse>(
    TResponse Response,
    IReadOnlyList<StoreCondition> Conditions,
    IReadOnlyList<StoreWrite> Writes,
    IReadOnlyList<object> Events)
    where TResponse : IMessage<TResponse>;

/// <summary>
/// The one way a mutating RPC changes state. A command runs at most once per request id: its state
/// writes, its events (into the outbox) and its response are committed in one atomic step, on the
/// condition that the request id is new and the state it planned from is unchanged.
/// <list type="bullet">
/// <item>A repeat of a finished request returns the first response and has no effect.</item>
/// <item>The same request id with a different request is refused (<c>REQUEST_ID_REUSED</c>): the
/// response is stored with a fingerprint of the request, as payment APIs do with idempotency keys,
/// so a caller that reuses an id by mistake never mistakes the first answer for its own.</item>
/// <item>Concurrent repeats race to the commit; one wins, the others read its response.</item>
/// <item>A concurrent change to the same state makes the loser plan again from the new state.</item>
/// <item>A refusal is thrown while planning, before anything is written; unless a repeat of the
/// same request committed meanwhile, in which case its answer is returned instead.</item>
/// </list>
/// </summary>
public sealed class Commands(IStateStore store, IClock clock)
{
    private const int MaxAttempts = 20;

    private const string FingerprintedPrefix = "fp1:";

    /// <summary>
    /// Runs <paramref name="plan"/> as the command <paramref name="requestId"/> within
    /// <paramref name="scope"/> (the caller and the RPC, so ids never collide across them).
    /// <paramref name="request"/> is the caller's whole request, fingerprinted so a reused id with
    /// different content is refused; null for the platform's own commands, whose ids are derived
    /// from what they act on.
    /// </summary>
    /// <param name="operation">Where several RPCs share one scope (and may share a message type, as
    /// SuspendGrant and RetireGrant do), the RPC: part of the fingerprint, so an id used for one is
    /// refused for the other.</param>
    public async Task<TResponse> RunAsync<TResponse>(string scope, string requestId, IMessage? request, Func<Task<CommandPlan<TResponse>>> plan, string operation = "")
        where TResponse : IMessage<TResponse>, new()
    {
        var key = new StoreKey("request", $"{scope}:{requestId}");
        string fingerprint = request is null ? "" : Fingerprint(request, operation);
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await store.GetAsync(key) is { } done)
            {
                return Answer<TResponse>(done, fingerprint, requestId);
            }

            CommandPlan<TResponse> planned;
            try
            {
                planned = await plan();
            }
            catch (global::Grpc.Core.RpcException)
            {
                // A repeat of this very request committed while we planned, so the state we refused
                // includes its effect ("already published"): the first answer stands.
                if (await store.GetAsync(key) is not null)
                {
                    continue;
                }

                throw;
            }

            if (await store.CommitAsync([.. planned.Conditions, new StoreCondition(key, null)], Writes(planned, key, fingerprint)))
            {
                if (planned.Events.Count > 0)
                {
                    Telemetry.PlatformTelemetry.RecordCommitted(planned.Events);
                    await store.PublishAsync(Outbox.NudgeChannel, "");
                }

                return planned.Response;
            }

            // Lost the race: to a repeat of this request (the next pass returns its response) or to
            // another change of the same state (the next pass plans from the new state).
        }

        throw GrpcErrors.Build(Code.Aborted, "CONCURRENT_CHANGE", $"The state kept changing under request {requestId}; try again.");
    }

    /// <summary>
    /// Everything <see cref="RunAsync"/> does for a command (fingerprint, request-id read, plan, outbox
    /// entries, the conditional commit with its whole payload) except the effect: the commit is sent
    /// with one more condition that never holds, so the store changes nothing. For warm-ups of paths
    /// that are rare by nature (a list edit), which would otherwise run their first calls in the
    /// JIT's unoptimised first tier. Answers the plan's response.
    /// </summary>
    public async Task<TResponse> RehearseAsync<TResponse>(string scope, string requestId, IMessage request, Func<Task<CommandPlan<TResponse>>> plan, string operation = "")
        where TResponse : IMessage<TResponse>, new()
    {
        var key = new StoreKey("request", $"{scope}:{requestId}");
        string fingerprint = Fingerprint(request, operation);
        _ = await store.GetAsync(key);
        var planned = await plan();
        if (await store.CommitAsync([.. planned.Conditions, new StoreCondition(key, null), .. NeverHold], Writes(planned, key, fingerprint)))
        {
            throw new InvalidOperationException("A rehearsed command was committed.");
        }

        return planned.Response;
    }

    // Two conditions no store contents can meet together (one key absent and holding a value): a
    // commit conditional on both never happens, whatever anyone writes.
    private static readonly StoreCondition[] NeverHold =
        [new(new StoreKey("commands", "rehearsal"), null), new(new StoreKey("commands", "rehearsal"), "present")];

    // The state writes, the events into the outbox and the response under the request id: one commit.
    private List<StoreWrite> Writes<TResponse>(CommandPlan<TResponse> planned, StoreKey key, string fingerprint)
        where TResponse : IMessage<TResponse>
    {
        var now = clock.GetCurrentInstant();
        var writes = new List<StoreWrite>(planned.Writes);
        writes.AddRange(planned.Events.Select(e => Outbox.Enqueue(e, NewId.NextGuid(), now)));
        writes.Add(new StoreWrite(key, $"{FingerprintedPrefix}{fingerprint}:{Convert.ToBase64String(planned.Response.ToByteArray())}"));
        return writes;
    }

    /// <summary>
    /// For a mutating RPC whose effect is idempotent by the state it changes (revoking a key,
    /// requeueing a dead letter) rather than a <see cref="RunAsync"/> plan: remembers the request's
    /// fingerprint under its id, and refuses the id with a different request
    /// (<c>REQUEST_ID_REUSED</c>). Returns false if this is a repeat of the same request.
    /// </summary>
    public async Task<bool> RememberAsync(string scope, string requestId, IMessage request)
    {
        var key = new StoreKey("request-fingerprint", scope);
        string fingerprint = Fingerprint(request);
        if (await store.HashSetIfAbsentAsync(key, requestId, fingerprint))
        {
            return true;
        }

        var stored = await store.HashGetAllAsync(key);
        if (stored.TryGetValue(requestId, out var first) && first != fingerprint)
        {
            throw Reused(requestId);
        }

        return false;
    }

    private static global::Grpc.Core.RpcException Reused(string requestId) => GrpcErrors.InvalidArgument(
        [new BadRequest.Types.FieldViolation { Field = "request_id", Description = $"request id {requestId} was already used for a different request; use a new request id for a new request" }],
        ErrorReasons.RequestIdReused);

    /// <summary>The stored answer to a repeat, if the repeat is the same request.</summary>
    private static TResponse Answer<TResponse>(string stored, string fingerprint, string requestId)
        where TResponse : IMessage<TResponse>, new()
    {
        string response = stored;
        if (stored.StartsWith(FingerprintedPrefix, StringComparison.Ordinal))
        {
            int separator = stored.IndexOf(':', FingerprintedPrefix.Length);
            string first = stored[FingerprintedPrefix.Length..separator];
            response = stored[(separator + 1)..];
            if (first != fingerprint)
            {
                throw Reused(requestId);
            }
        }

        // Answers stored before fingerprints existed have none to compare: the first answer stands.
        return new MessageParser<TResponse>(() => new TResponse()).ParseFrom(Convert.FromBase64String(response));
    }

    /// <summary>
    /// SHA-256 of the request's protobuf encoding (fields in field-number order, defaults omitted),
    /// so the same request sent over gRPC or REST, in any field order, has the same fingerprint. Not
    /// its JSON: a hostile request (a timestamp out of JSON's range) must still be fingerprinted and
    /// then refused by validation, not fail here.
    /// </summary>
    private static string Fingerprint(IMessage request, string operation = "")
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(operation + "\n"));
        hash.AppendData(request.ToByteArray());
        return Convert.ToBase64String(hash.GetHashAndReset());
    }
}
