using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using MassTransit;
using Microsoft.Extensions.Logging;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Json;
using Warnings.Core.Storage;
using Warnings.Core.Telemetry;

namespace Warnings.Core.Messaging;

/// <summary>
/// Records every message a consumer gave up on: after its retries MassTransit moves the message to
/// the endpoint's error queue and publishes a <see cref="Fault{T}"/>, which this consumer keeps in
/// the store with the original message and the queue it failed in, for operators to list and
/// requeue (<see cref="DeadLetterStore"/>). One recorder per message type that any consumer of the
/// platform handles, all on one endpoint that every process runs, so nothing is parked unseen
/// whichever module failed. Idempotent by fault id.
/// </summary>
public sealed class DeadLetterRecorder<T>(IStateStore store, IClock clock, ILogger<DeadLetterRecorder<T>> logger) : IConsumer<Fault<T>>
    where T : class
{
    public async Task Consume(ConsumeContext<Fault<T>> context)
    {
        var fault = context.Message;
        string queue = DeadLetterStore.QueueOf(context.SourceAddress);
        var exception = fault.Exceptions.FirstOrDefault();
        var version = fault.Message switch
        {
            WarningPublished m => m.Version,
            WarningUpdated m => m.Version,
            WarningLifted m => m.Version,
            WarningExpired m => m.Version,
            _ => null,
        };
        var letter = new DeadLetter
        {
            Id = fault.FaultId.ToString("N"),
            Queue = queue,
            MessageId = fault.FaultedMessageId?.ToString("N") ?? "",
            Channel = exception?.Data?.TryGetValue("channel", out var channel) == true ? channel?.ToString() ?? "" : queue.StartsWith("dispatch-", StringComparison.Ordinal) ? queue["dispatch-".Length..] : "",
            WarningId = version?.WarningId ?? "",
            Version = version?.Version ?? 0,
            MessageType = typeof(T).Name,
            Error = exception is null ? "" : $"{exception.ExceptionType}: {exception.Message}",
            FailedAt = clock.GetCurrentInstant().ToTimestamp(),
        };
        string message = JsonSerializer.Serialize(fault.Message, PlatformJson.Options);
        if (await DeadLetterStore.AddAsync(store, letter, typeof(T), message))
        {
            PlatformTelemetry.DeadLetters.Add(1, new KeyValuePair<string, object?>("queue", queue), new KeyValuePair<string, object?>("message_type", typeof(T).Name));
            logger.LogWarning("Parked: {MessageType} {MessageId} gave up in {Queue} after its retries ({Error}); dead letter {Id} can be requeued",
                typeof(T).Name, letter.MessageId, queue, letter.Error, letter.Id);
        }
    }
}

/// <summary>Registers a <see cref="DeadLetterRecorder{T}"/> for every message type the given assemblies' consumers handle.</summary>
public static class DeadLetterRecording
{
    public const string Endpoint = "platform-dead-letters";

    public static void Register(IBusRegistrationConfigurator bus, IEnumerable<Assembly> consumerAssemblies)
    {
        foreach (var message in ConsumedMessageTypes(consumerAssemblies))
        {
            bus.AddConsumer(typeof(DeadLetterRecorder<>).MakeGenericType(message)).Endpoint(e => e.Name = Endpoint);
        }
    }

    /// <summary>Every message type (not a fault) that a consumer in <paramref name="consumerAssemblies"/> handles.</summary>
    public static IReadOnlyList<Type> ConsumedMessageTypes(IEnumerable<Assembly> consumerAssemblies) =>
        [.. consumerAssemblies.Distinct()
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsAbstract: false, IsInterface: false })
            .SelectMany(t => t.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(i => i.GetGenericArguments()[0])
            .Where(m => !m.IsGenericParameter && !(m.IsGenericType && m.GetGenericTypeDefinition() == typeof(Fault<>)))
            .Distinct()
            .OrderBy(m => m.FullName, StringComparer.Ordinal)];
}
