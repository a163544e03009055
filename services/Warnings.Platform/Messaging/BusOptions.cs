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

    /// <summary>The transport in effect after applying the default rule.</summary>
    public BusTransport EffectiveTransport => Transport?.Trim().ToLowerInvariant() switch
    {
        null or "" => string.IsNullOrWhiteSpace(RabbitMq.Host) ? BusTransport.InMemory : BusTransport.RabbitMq,
        "inmemory" => BusTransport.InMemory,
        "rabbitmq" => BusTransport.RabbitMq,
        _ => throw new Hosting.PlatformConfigurationException($"Bus:Transport must be InMemory or RabbitMq, not '{Transport}'."),
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
}

/// <summary>Exponential retry of consumers (<c>Bus__Retry__Limit</c>...).</summary>
public sealed class RetryOptions
{
    public int Limit { get; set; } = 5;

    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan IntervalDelta { get; set; } = TimeSpan.FromMilliseconds(500);
}
