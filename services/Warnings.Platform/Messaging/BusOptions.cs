using Warnings.Core.Modules;

namespace Warnings.Platform.Messaging;

/// <summary>The message bus, bound from the <c>Bus</c> configuration section.</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    /// <summary>
    /// <c>InMemory</c> or <c>RabbitMq</c> (<c>Bus__Transport</c>). When unset: RabbitMq if
    /// <c>Bus:RabbitMq:Host</c> is set, else InMemory, the zero-setup default.
    /// </summary>
    public string? Transport { get; set; }

    public RabbitMqOptions RabbitMq { get; set; } = new();

    /// <summary>Consumer retries before a message is parked in its endpoint's error queue.</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>How long consumers wait out a store or broker outage before a message is parked.</summary>
    public OutageRetryOptions OutageRetry { get; set; } = new();

    /// <summary>The transport in effect after applying the default rule.</summary>
    public BusTransport EffectiveTransport => Transport?.Trim().ToLowerInvariant() switch
    {
        null or "" => string.IsNullOrWhiteSpace(RabbitMq.Host) ? BusTransport.InMemory : BusTransport.RabbitMq,
        "inmemory" => BusTransport.InMemory,
        "rabbitmq" => BusTransport.RabbitMq,
        _ => throw new PlatformConfigurationException($"Bus:Transport must be InMemory or RabbitMq, not '{Transport}'."),
    };

    public string Describe() => EffectiveTransport == BusTransport.RabbitMq
        ? $"RabbitMq (amqp://{RabbitMq.Username}@{RabbitMq.HostOrDefault}:{RabbitMq.Port}/{Uri.EscapeDataString(RabbitMq.VirtualHost)}{(RabbitMq.QuorumQueues ? ", quorum queues" : "")})"
        : "InMemory";
}

public enum BusTransport
{
    InMemory,
    RabbitMq,
}

public sealed class RabbitMqOptions
{
    /// <summary><c>Bus__RabbitMq__Host</c>; 127.0.0.1 when the transport is RabbitMq and no host is given.</summary>
    public string? Host { get; set; }

    public string HostOrDefault => string.IsNullOrWhiteSpace(Host) ? "127.0.0.1" : Host;

    /// <summary>
    /// <c>Bus__RabbitMq__ClusterNodes__0</c>...: the nodes of a RabbitMQ cluster (host or host:port);
    /// the client connects to one that answers and moves to another when it goes away.
    /// </summary>
    public string[] ClusterNodes { get; set; } = [];

    public ushort Port { get; set; } = 5672;

    public string VirtualHost { get; set; } = "/";

    public string Username { get; set; } = "guest";

    public string Password { get; set; } = "guest";

    /// <summary>Declare receive queues as quorum queues (replicated; for a RabbitMQ cluster).</summary>
    public bool QuorumQueues { get; set; }

    /// <summary>
    /// Longest wait between reconnect attempts while the broker is away (MassTransit's own grows to
    /// 30 s, so work resumed up to half a minute after the broker was back).
    /// </summary>
    public TimeSpan ReconnectInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Exponential retry of consumers (<c>Bus__Retry__Limit</c>...).</summary>
public sealed class RetryOptions
{
    public int Limit { get; set; } = 5;

    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan IntervalDelta { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// Retries of a consumer whose store or broker is unavailable (<c>Bus__OutageRetry__...</c>): doubling
/// from <see cref="First"/> to <see cref="Longest"/>, for <see cref="Total"/> in all (default 1 s to
/// 30 s, 15 minutes), then the error queue, where it is a dead letter operators see and requeue.
/// </summary>
public sealed class OutageRetryOptions
{
    public TimeSpan First { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan Longest { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan Total { get; set; } = TimeSpan.FromMinutes(15);

    public IEnumerable<TimeSpan> Intervals()
    {
        var next = First <= TimeSpan.Zero ? TimeSpan.FromSeconds(1) : First;
        var waited = TimeSpan.Zero;
        do
        {
            yield return next;
            waited += next;
            next = next * 2 < Longest ? next * 2 : Longest;
        }
        while (waited < Total);
    }
}
