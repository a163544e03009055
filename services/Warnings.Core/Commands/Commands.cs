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
/// <item>Concurrent repeats race to the commit; one wins, the others read its response.</item>
/// <item>A concurrent change to the same state makes the loser plan again from the new state.</item>
/// <item>A refusal is thrown while planning, before anything is written; unless a repeat of the
/// same request committed meanwhile, in which case its answer is returned instead.</item>
/// </list>
/// </summary>
public sealed class Commands(IStateStore store, IClock clock)
{
    private const int MaxAttempts = 20;

    /// <summary>
    /// Runs <paramref name="plan"/> as the command <paramref name="requestId"/> within
    /// <paramref name="scope"/> (the caller and the RPC, so ids never collide across them).
    /// </summary>
    public async Task<TResponse> RunAsync<TResponse>(string scope, string requestId, Func<Task<CommandPlan<TResponse>>> plan)
        where TResponse : IMessage<TResponse>, new()
    {
        var request = new StoreKey("request", $"{scope}:{requestId}");
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await store.GetAsync(request) is { } done)
            {
                return Parse<TResponse>(done);
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
                if (await store.GetAsync(request) is not null)
                {
                    continue;
                }

                throw;
            }

            var now = clock.GetCurrentInstant();
            var writes = new List<StoreWrite>(planned.Writes);
            writes.AddRange(planned.Events.Select(e => Outbox.Enqueue(e, NewId.NextGuid(), now)));
            writes.Add(new StoreWrite(request, Convert.ToBase64String(planned.Response.ToByteArray())));
            if (await store.CommitAsync([.. planned.Conditions, new StoreCondition(request, null)], writes))
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

    private static TResponse Parse<TResponse>(string stored) where TResponse : IMessage<TResponse>, new() =>
        new MessageParser<TResponse>(() => new TResponse()).ParseFrom(Convert.FromBase64String(stored));
}
