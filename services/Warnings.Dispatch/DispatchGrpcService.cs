using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using MassTransit;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.Core.Json;
using Warnings.Core.Storage;

namespace Warnings.Dispatch;

/// <summary>Operators count, list and requeue what channels gave up on.</summary>
public sealed class DispatchGrpcService(IStateStore store, ISendEndpointProvider send, IClock clock, CallAudit audit) : DispatchService.DispatchServiceBase
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);

    [RpcAccess(Roles.Operator)]
    public override async Task<ListDeadLettersResponse> ListDeadLetters(ListDeadLettersRequest request, ServerCallContext context)
    {
        var response = new ListDeadLettersResponse();
        foreach (var id in await store.ListHeadAsync(DeadLetters.Index, int.MaxValue))
        {
            if (await store.GetAsync(DeadLetters.Key(id)) is { } json && DeadLetter.Parser.ParseJson(json) is var letter)
            {
                response.Waiting += letter.RequeuedAt is null ? 1 : 0;
                if (request.IncludeRequeued || letter.RequeuedAt is null)
                {
                    response.DeadLetters.Add(letter);
                }
            }
        }

        return response;
    }

    [RpcAccess(Roles.Operator, Mutating = true)]
    public override async Task<DeadLetter> RequeueDeadLetter(RequeueDeadLetterRequest request, ServerCallContext context)
    {
        new FieldViolations().CheckId(request.RequestId).Check(request.Id.Length > 0, "id", "is required").ThrowIfAny();
        audit.Target = request.Id;
        string? json = await store.GetAsync(DeadLetters.Key(request.Id));
        string? message = await store.GetAsync(new StoreKey("dead-letter-message", request.Id));
        if (json is null || message is null)
        {
            throw GrpcErrors.NotFound($"No dead letter {request.Id}.", new Dictionary<string, string> { ["id"] = request.Id });
        }

        var letter = DeadLetter.Parser.ParseJson(json);
        if (letter.RequeuedAt is not null)
        {
            return letter; // requeued already: once is enough (the idempotency key covers a second try)
        }

        var endpoint = await send.GetSendEndpoint(new Uri($"queue:dispatch-{letter.Channel}"));
        object original = letter.MessageType switch
        {
            nameof(WarningPublished) => JsonSerializer.Deserialize<WarningPublished>(message, PlatformJson.Options)!,
            nameof(WarningUpdated) => JsonSerializer.Deserialize<WarningUpdated>(message, PlatformJson.Options)!,
            _ => JsonSerializer.Deserialize<WarningLifted>(message, PlatformJson.Options)!,
        };
        await endpoint.Send(original, original.GetType(), context.CancellationToken);
        letter.RequeuedAt = clock.GetCurrentInstant().ToTimestamp();
        letter.RequeuedBy = context.Caller().Id;
        await store.SetAsync(DeadLetters.Key(letter.Id), Json.Format(letter));
        return letter;
    }
}
