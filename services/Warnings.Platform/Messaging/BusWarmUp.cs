using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using NodaTime;
using Warnings.Core.Hosting;
using Warnings.Core.Json;

namespace Warnings.Platform.Messaging;

/// <summary>
/// The bus's paths run before the instance says it is ready: the publish endpoint of every type the
/// relay may publish made (what the relay's first publish of a type made: its send transport on the
/// exchange, declared again), and a sample of each type this instance consumes sent and received
/// through the same middleware as the modules' endpoints (deserialisation, consume contexts, the
/// retry filters, the consumer's scope). Without it a fresh instance's first warnings waited ~1 s
/// while those were built and compiled on the first messages, the calls behind them queueing
/// (docs/performance.md, seventh round). The samples go to an endpoint of this instance's own
/// (<see cref="BusWarmUpEndpoint"/>): no other process and no module's consumer ever sees one.
/// </summary>
public sealed class BusWarmUp(IBus bus, BusWarmUpEndpoint endpoint, IClock clock) : IWarmUpStep
{
    private static readonly MethodInfo PublishSendEndpointOf =
        typeof(IPublishEndpointProvider).GetMethod(nameof(IPublishEndpointProvider.GetPublishSendEndpoint))!;

    public string Name => "bus";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (endpoint.Address is not { } address)
        {
            return; // a bus configured without the endpoint
        }

        foreach (var type in endpoint.PublishedTypes)
        {
            await ((Task)PublishSendEndpointOf.MakeGenericMethod(type).Invoke(bus, [])!).WaitAsync(cancellationToken);
        }

        // Every type side by side, as the modules' endpoints receive them; then wait for each, a
        // bounded time (a sample that never arrives fails the step, not the whole warm-up's time).
        var send = await bus.GetSendEndpoint(address);
        var now = clock.GetCurrentInstant();
        using var round = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        round.CancelAfter(ArrivalTimeout);
        var arrivals = new List<Task>(endpoint.MessageTypes.Count);
        try
        {
            foreach (var type in endpoint.MessageTypes)
            {
                var id = NewId.NextGuid();
                arrivals.Add(endpoint.ArrivalOf(id, round.Token));
                await send.Send(BusWarmUpEndpoint.Sample(type, now), type, context => context.MessageId = id, round.Token);
            }

            await Task.WhenAll(arrivals);
        }
        finally
        {
            await round.CancelAsync(); // no arrival left waiting after the round
        }
    }

    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(5);
}

/// <summary>
/// This instance's warm-up endpoint: a queue of its own (a name no other instance uses; with RabbitMQ
/// non-durable, auto-deleted, and exclusive to the instance's connection as MassTransit makes such a
/// queue, like the bus's own reply endpoint; bound to no event exchange, so only a send to it reaches
/// it), a consumer per message type that only notes the arrival, and the samples sent there. A sample
/// that fails is dropped: no fault is published (it would be a dead letter operators see) and no
/// error queue is kept.
/// </summary>
public sealed class BusWarmUpEndpoint(IReadOnlyList<Type> messageTypes, IReadOnlyList<Type> publishedTypes)
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _expected = new();

    /// <summary>The types this instance's modules consume: a sample of each goes through the endpoint.</summary>
    public IReadOnlyList<Type> MessageTypes { get; } = messageTypes;

    /// <summary>
    /// The types this instance's outbox relay may publish, whose publish endpoints are made: every
    /// event of the contracts (<see cref="Core.Messaging.EventMessageTypes"/>), whichever modules this
    /// instance runs, because the relay that holds the lease publishes every module's events (an
    /// instance running only the list would otherwise relay its first warning through endpoints
    /// built on that publish).
    /// </summary>
    public IReadOnlyList<Type> PublishedTypes { get; } = publishedTypes;

    public string Name { get; } = $"warm-up-{Guid.NewGuid():N}";

    /// <summary>The endpoint's address, once the bus is configured.</summary>
    public Uri? Address { get; private set; }

    /// <summary>Consumers registered on the bus for every type, kept off the endpoints the modules' consumers get.</summary>
    public void Register(IBusRegistrationConfigurator bus)
    {
        foreach (var message in MessageTypes)
        {
            bus.AddConsumer(ConsumerOf(message)).ExcludeFromConfigureEndpoints();
        }
    }

    /// <summary>The endpoint on <paramref name="bus"/>, with <paramref name="middleware"/> as the modules' endpoints have it.</summary>
    public void Configure<TEndpoint>(IBusRegistrationContext context, IBusFactoryConfigurator<TEndpoint> bus, Action<IReceiveEndpointConfigurator> middleware)
        where TEndpoint : IReceiveEndpointConfigurator
    {
        bus.ReceiveEndpoint(Name, endpoint =>
        {
            endpoint.ConfigureConsumeTopology = false;
            endpoint.PublishFaults = false;
            endpoint.DiscardFaultedMessages();
            endpoint.DiscardSkippedMessages();
            if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
            {
                rabbit.AutoDelete = true;
                rabbit.Durable = false;
            }

            middleware(endpoint);
            foreach (var message in MessageTypes)
            {
                endpoint.ConfigureConsumer(context, ConsumerOf(message));
            }

            Address = endpoint.InputAddress;
        });
    }

    /// <summary>Completes when the message <paramref name="id"/> has been consumed here.</summary>
    public async Task ArrivalOf(Guid id, CancellationToken cancellationToken)
    {
        var arrived = _expected.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await arrived.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _expected.TryRemove(id, out _);
        }
    }

    internal void Arrived(Guid? id)
    {
        if (id is { } known && _expected.TryGetValue(known, out var arrived))
        {
            arrived.TrySetResult();
        }
    }

    /// <summary>
    /// A message of <paramref name="type"/> as the platform's JSON reads one: a warning event carries
    /// the warm-up sample version (so its nested types are read too); other fields keep their defaults.
    /// </summary>
    public static object Sample(Type type, Instant now)
    {
        var version = JsonSerializer.SerializeToNode(WarmUpSample.Warning(now, ["sms", "website"]), PlatformJson.Options);
        var json = new JsonObject { ["version"] = version, ["totals"] = new JsonObject(), ["note"] = "warm-up", ["reason"] = "warm-up" };
        return json.Deserialize(type, PlatformJson.Options) ?? throw new InvalidOperationException($"No warm-up sample of {type.Name}");
    }

    private static Type ConsumerOf(Type message) => typeof(BusWarmUpConsumer<>).MakeGenericType(message);
}

/// <summary>Notes that a warm-up sample arrived; does nothing else.</summary>
public sealed class BusWarmUpConsumer<T>(BusWarmUpEndpoint endpoint) : IConsumer<T>
    where T : class
{
    public Task Consume(ConsumeContext<T> context)
    {
        endpoint.Arrived(context.MessageId);
        return Task.CompletedTask;
    }
}
