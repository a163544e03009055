using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Warnings.Contracts.Events;
using Warnings.Core.Hosting;
using Warnings.Platform.Messaging;
using Warnings.Testing;

namespace Warnings.Platform.Tests.Hosting;

/// <summary>
/// The warm-up runs the bus's and the gateways' real paths before readiness, and reaches no one: its
/// samples go to the instance's own endpoint only, and its gateway calls to a loopback listener of its own.
/// </summary>
public abstract class WarmUpPathsTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : PlatformFixture
{
    protected TFixture Fixture => fixture;

    private sealed class Consumes : IConsumeObserver
    {
        public ConcurrentQueue<(Uri? Input, Type Message)> Seen { get; } = new();

        public Task PreConsume<T>(ConsumeContext<T> context)
            where T : class
        {
            Seen.Enqueue((context.ReceiveContext.InputAddress, typeof(T)));
            return Task.CompletedTask;
        }

        public Task PostConsume<T>(ConsumeContext<T> context)
            where T : class => Task.CompletedTask;

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }

    [Fact]
    public async Task The_bus_warm_up_has_every_consumed_type_received_once_on_the_instances_own_endpoint_and_publishes_nothing()
    {
        var services = fixture.Platform.Services;
        var endpoint = services.GetRequiredService<BusWarmUpEndpoint>();
        var bus = services.GetRequiredService<IBus>();
        var consumes = new Consumes();
        await using var published = await BusRecorder.ConnectAsync(bus);
        using var observing = bus.ConnectConsumeObserver(consumes);

        // The start ran it already (readiness waits for it); once more, watched.
        await services.GetServices<IWarmUpStep>().Single(s => s.Name == "bus").RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains(typeof(WarningPublished), endpoint.MessageTypes);
        Assert.Contains(typeof(IncidentReported), endpoint.MessageTypes);
        // Whatever a module consumes is an event some relay publishes: its publish endpoint is made too.
        Assert.Empty(endpoint.MessageTypes.Where(t => t.Namespace == typeof(WarningPublished).Namespace).Except(endpoint.PublishedTypes));
        // Every type arrived on the warm-up endpoint (a start's round cut short by its time limit may add
        // a late copy there), and nothing was consumed anywhere else.
        var here = consumes.Seen.Where(c => c.Input!.AbsolutePath.EndsWith($"/{endpoint.Name}", StringComparison.Ordinal)).ToList();
        Assert.Equal(endpoint.MessageTypes.Select(t => t.FullName).Order(), here.Select(c => c.Message.FullName).Distinct().Order());
        Assert.Equal(here.Count, consumes.Seen.Count);
        Assert.Empty(published.Received);
    }

    [Fact]
    public async Task The_warm_up_ran_the_configured_gateways_clients_without_calling_a_gateway()
    {
        await using var gateway = await TestGateway.StartAsync();
        var settings = new Dictionary<string, string?>();
        foreach (string channel in new[] { "sms", "tv", "siren" })
        {
            settings[$"Dispatch:Gateways:{channel}:Url"] = $"{gateway.Url}/{channel}";
            settings[$"Dispatch:Gateways:{channel}:Secret"] = $"secret-{channel}";
        }

        await using var platform = await TestPlatform.StartAsync(fixture.Backplane, settings: settings, modules: "dispatch");
        var step = platform.Services.GetServices<IWarmUpStep>().OfType<Warnings.Dispatch.DispatchWarmUp>().Single();
        await step.RunAsync(CancellationToken.None);

        Assert.Equal(2 * 3, step.LastRoundRequests); // each configured channel's call, twice, to the warm-up's own listener
        Assert.Empty(gateway.Requests);
    }
}

public sealed class EmbeddedWarmUpPathsTests(EmbeddedPlatformFixture fixture) : WarmUpPathsTests<EmbeddedPlatformFixture>(fixture);

public sealed class RealWarmUpPathsTests(RealPlatformFixture fixture) : WarmUpPathsTests<RealPlatformFixture>(fixture)
{
    [Fact]
    public async Task With_RabbitMQ_the_warm_up_queue_is_exclusive_to_the_instance_bound_to_no_event_and_gone_with_it()
    {
        string queue = Fixture.Platform.Services.GetRequiredService<BusWarmUpEndpoint>().Name;
        string vhost = Fixture.Backplane.VirtualHost!;

        string queues = await RabbitMqCtl.RunAsync("list_queues", "-p", vhost, "-q", "name", "durable", "auto_delete", "exclusive");
        Assert.Contains($"{queue}\tfalse\ttrue\ttrue", queues); // not durable, auto-deleted, the instance's connection's alone
        string bindings = await RabbitMqCtl.RunAsync("list_bindings", "-p", vhost, "-q", "source_name", "destination_name");
        Assert.DoesNotContain(bindings.Split('\n'), b => b.StartsWith("Warnings.Contracts.Events", StringComparison.Ordinal) && b.EndsWith($"\t{queue}", StringComparison.Ordinal));

        // A second instance has a queue of its own, deleted when it stops.
        var second = await TestPlatform.StartAsync(Fixture.Backplane, modules: "dispatch");
        var secondEndpoint = second.Services.GetRequiredService<BusWarmUpEndpoint>();
        string secondQueue = secondEndpoint.Name;
        // It consumes only what dispatch does, yet may hold the relay's lease and publish every module's events.
        Assert.DoesNotContain(typeof(IncidentReported), secondEndpoint.MessageTypes);
        Assert.Contains(typeof(IncidentReported), secondEndpoint.PublishedTypes);
        Assert.Contains(typeof(PublicationListChanged), secondEndpoint.PublishedTypes);
        Assert.Equal(Fixture.Platform.Services.GetRequiredService<BusWarmUpEndpoint>().PublishedTypes, secondEndpoint.PublishedTypes);
        await second.DisposeAsync();
        Assert.NotEqual(queue, secondQueue);
        await Eventually.Until(() => RabbitMqCtl.RunAsync("list_queues", "-p", vhost, "-q", "name"), q => !q.Contains(secondQueue, StringComparison.Ordinal), "the stopped instance's warm-up queue deleted");
    }
}
