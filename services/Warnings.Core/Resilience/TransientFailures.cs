using MassTransit;
using StackExchange.Redis;

namespace Warnings.Core.Resilience;

/// <summary>
/// Which failures are the infrastructure's, not the request's or the code's: the store or the broker
/// cannot be reached or did not answer in time. They pass by themselves, so a consumer waits them out
/// (retries on the scale of minutes instead of parking the message), the outbox relay tries again,
/// and a client is told UNAVAILABLE with a delay to retry after, never INTERNAL.
/// </summary>
public static class TransientFailures
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        // The multiplexer refuses at once while disconnected (fail-fast backlog policy).
        RedisException redis when redis.Message.Contains("No connection", StringComparison.OrdinalIgnoreCase) => true,
        ConnectionException or TimeoutException => true,
        // RabbitMQ's transport (not referenced here): the broker went away before confirming a publish.
        { } e when e.GetType().Name is "MessageNotConfirmedException" or "AlreadyClosedException" or "BrokerUnreachableException" => true,
        StoreUnavailableException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient),
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };
}

/// <summary>The store could not take a write that must land (raised after the writer's own retries).</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
