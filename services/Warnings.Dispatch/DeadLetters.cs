using Google.Protobuf;
using MassTransit;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;

namespace Warnings.Dispatch;

/// <summary>
/// Records the warning versions a channel gave up on: MassTransit publishes a <see cref="Fault{T}"/>
/// when a consumer still fails after its retries (and parks the message in the endpoint's error
/// queue); the ones from channel dispatchers are kept in the store for operators to count, list and
/// requeue. Idempotent by fault id.
/// </summary>
public sealed class DeadLetters(IStateStore store, IClock clock) :
    IConsumer<Fault<WarningPublished>>, IConsumer<Fault<WarningUpdated>>, IConsumer<Fault<WarningLifted>>
{
    public static readonly StoreKey Index = new("dead-letter-index", "all");
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);

    public static StoreKey Key(string id) => new("dead-letter", id);

    public Task Consume(ConsumeContext<Fault<WarningPublished>> context) => RecordAsync(context.Message, context.Message.Message.Version, nameof(WarningPublished));

    public Task Consume(ConsumeContext<Fault<WarningUpdated>> context) => RecordAsync(context.Message, context.Message.Message.Version, nameof(WarningUpdated));

    public Task Consume(ConsumeContext<Fault<WarningLifted>> context) => RecordAsync(context.Message, context.Message.Message.Version, nameof(WarningLifted));

    private async Task RecordAsync<T>(Fault<T> fault, PublishedWarningVersion version, string messageType)
    {
        var exception = fault.Exceptions.FirstOrDefault(e => e.Data?.ContainsKey(ChannelDeliveryException.ChannelKey) == true);
        if (exception is null)
        {
            return; // not a channel's delivery failure
        }

        string id = fault.FaultId.ToString("N");
        var letter = new DeadLetter
        {
            Id = id,
            Channel = exception.Data!.TryGetValue(ChannelDeliveryException.ChannelKey, out var channel) ? channel?.ToString() ?? "" : "",
            WarningId = version.WarningId,
            Version = version.Version,
            MessageType = messageType,
            Error = exception.Message,
            FailedAt = clock.GetCurrentInstant().ToTimestamp(),
        };
        await store.CommitAsync([new StoreCondition(Key(id), null)], [new StoreWrite(Key(id), Json.Format(letter)), StoreWrite.Append(Index, id)]);
        await store.SetAsync(new StoreKey("dead-letter-message", id), System.Text.Json.JsonSerializer.Serialize(fault.Message, Core.Json.PlatformJson.Options));
    }
}
