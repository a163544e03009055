using System.Text.Json;
using Google.Protobuf;
using MassTransit;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Json;
using Warnings.Core.Storage;

namespace Warnings.Core.Messaging;

/// <summary>
/// Where dead letters are kept: <c>dead-letter:{id}</c> (the record operators see), the original
/// message with its type in <c>dead-letter-message:{id}</c>, and the ids in arrival order.
/// </summary>
public static class DeadLetterStore
{
    public static readonly StoreKey Index = new("dead-letter-index", "all");
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);

    public static StoreKey Key(string id) => new("dead-letter", id);

    private static StoreKey MessageKey(string id) => new("dead-letter-message", id);

    /// <summary>The queue name of an endpoint address (rabbitmq://host/vhost/dispatch-sms, loopback://localhost/issuing).</summary>
    public static string QueueOf(Uri? address) =>
        address is null ? "" : address.AbsolutePath.TrimEnd('/').Split('/').LastOrDefault() ?? "";

    /// <summary>Records a dead letter once (by id); false when it was recorded already.</summary>
    public static Task<bool> AddAsync(IStateStore store, DeadLetter letter, Type messageType, string message) =>
        store.CommitAsync([new StoreCondition(Key(letter.Id), null)],
        [
            new StoreWrite(MessageKey(letter.Id), JsonSerializer.Serialize(new StoredMessage(messageType.AssemblyQualifiedName!, message), PlatformJson.Options)),
            new StoreWrite(Key(letter.Id), Json.Format(letter)),
            StoreWrite.Append(Index, letter.Id),
        ]);

    public static async Task<DeadLetter?> GetAsync(IStateStore store, string id) =>
        await store.GetAsync(Key(id)) is { } json ? DeadLetter.Parser.ParseJson(json) : null;

    /// <summary>Up to <paramref name="count"/> dead letters in arrival order, from position <paramref name="from"/>.</summary>
    public static async Task<IReadOnlyList<DeadLetter>> ListAsync(IStateStore store, int from, int count)
    {
        var ids = await store.ListRangeAsync(Index, from, count);
        return (await store.GetManyAsync(ids.Select(Key).ToList())).OfType<string>().Select(json => DeadLetter.Parser.ParseJson(json)).ToList();
    }

    /// <summary>
    /// Sends the original message again to the queue it failed in, with its original message id (so
    /// idempotent consumers still recognise it), and marks the letter requeued. False when the
    /// original message is not (or no longer) known to this build.
    /// </summary>
    public static async Task<bool> RequeueAsync(IStateStore store, ISendEndpointProvider send, DeadLetter letter, string by, Instant at, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(MessageKey(letter.Id)) is not { } json
            || JsonSerializer.Deserialize<StoredMessage>(json, PlatformJson.Options) is not { } stored
            || Type.GetType(stored.Type, throwOnError: false) is not { } type
            || string.IsNullOrEmpty(letter.Queue))
        {
            return false;
        }

        object message = JsonSerializer.Deserialize(stored.Message, type, PlatformJson.Options)!;
        var endpoint = await send.GetSendEndpoint(new Uri($"queue:{letter.Queue}"));
        await endpoint.Send(message, type, context =>
        {
            if (Guid.TryParse(letter.MessageId, out var id))
            {
                context.MessageId = id;
            }
        }, cancellationToken);
        letter.RequeuedAt = at.ToTimestamp();
        letter.RequeuedBy = by;
        await store.SetAsync(Key(letter.Id), Json.Format(letter));
        return true;
    }

    private sealed record StoredMessage(string Type, string Message);
}
