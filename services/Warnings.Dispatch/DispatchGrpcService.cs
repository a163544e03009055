using Grpc.Core;
using MassTransit;
using NodaTime;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.Core.Messaging;
using Warnings.Core.Storage;

namespace Warnings.Dispatch;

/// <summary>Operators count, list and requeue what any consumer gave up on (<see cref="DeadLetterStore"/>).</summary>
public sealed class DispatchGrpcService(IStateStore store, ISendEndpointProvider send, IClock clock, CallAudit audit, Warnings.Core.Commands.Commands commands) : DispatchService.DispatchServiceBase
{
    // The list is read whole to count what waits; bounded so one call cannot read without end.
    private const int MaxListed = 10_000;

    [RpcAccess(Roles.Operator)]
    public override async Task<ListDeadLettersResponse> ListDeadLetters(ListDeadLettersRequest request, ServerCallContext context)
    {
        var response = new ListDeadLettersResponse();
        foreach (var letter in await DeadLetterStore.ListAsync(store, 0, MaxListed))
        {
            response.Waiting += letter.RequeuedAt is null ? 1 : 0;
            if (request.IncludeRequeued || letter.RequeuedAt is null)
            {
                response.DeadLetters.Add(letter);
            }
        }

        return response;
    }

    [RpcAccess(Roles.Operator, Mutating = true)]
    public override async Task<DeadLetter> RequeueDeadLetter(RequeueDeadLetterRequest request, ServerCallContext context)
    {
        new FieldViolations().CheckId(request.RequestId).Check(request.Id.Length > 0, "id", "is required").ThrowIfAny();
        audit.Target = request.Id;
        var letter = await DeadLetterStore.GetAsync(store, request.Id)
            ?? throw GrpcErrors.NotFound($"No dead letter {request.Id}.", new Dictionary<string, string> { ["id"] = request.Id });
        // After the lookup: a refused request (a mistyped id) must not use up its request id.
        await commands.RememberAsync($"{context.Caller().Id}:RequeueDeadLetter", request.RequestId, request);
        if (letter.RequeuedAt is not null)
        {
            return letter; // requeued already: once is enough (consumers recognise the message anyway)
        }

        if (!await DeadLetterStore.RequeueAsync(store, send, letter, context.Caller().Id, clock.GetCurrentInstant(), context.CancellationToken))
        {
            throw GrpcErrors.Build(Google.Rpc.Code.FailedPrecondition, "DEAD_LETTER_NOT_REQUEUEABLE",
                $"Dead letter {request.Id} cannot be requeued: its message or queue is unknown to this build.", new Dictionary<string, string> { ["id"] = request.Id });
        }

        return letter;
    }
}
