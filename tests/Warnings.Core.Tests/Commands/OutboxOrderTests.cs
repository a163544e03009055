using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using System.Text.Json;
using Warnings.Contracts.Events;
using Warnings.Core.Commands;
using Warnings.Core.Json;
using Warnings.Core.Storage;
using Warnings.Testing;

namespace Warnings.Core.Tests.Commands;

public class OutboxOrderTests
{
    private static readonly Instant At = Instant.FromUtc(2026, 12, 2, 4, 0);

    private static OutboxMessage Entry(object message) =>
        JsonSerializer.Deserialize<OutboxMessage>(Outbox.Enqueue(message, Guid.NewGuid(), At).Value, PlatformJson.Options)!;

    // An event keyed by its aggregate (the incident id); the count says which of its events it is.
    private static ReportOverdue Receipt(string incidentId, int number) => new(incidentId, "310101", "ordinary", At, At, number);

    [Fact]
    public void Events_of_one_aggregate_form_one_sequence_in_outbox_order_and_keyless_events_share_one()
    {
        var entries = new[]
        {
            Entry(Receipt("i7", 1)), Entry(Receipt("i8", 1)), Entry(new ProbeSent("p1", At, "test")), Entry(Receipt("i7", 2)),
            Entry(new IncidentEscalated("i1", "310101", "ordinary", "major", false, 1, At)), Entry(new ProbeSent("p2", At, "test")), Entry(Receipt("i8", 2)),
        };
        var sequences = OutboxOrder.Sequences(entries.Select(e => e.Payload).ToList(), entries.Select(e => e.MessageType).ToList());

        Assert.Equal([[0, 3], [1, 6], [2, 5], [4]], sequences.Select(s => s.ToArray()).ToArray());
    }

    [Fact]
    public void An_event_of_a_type_this_build_does_not_know_joins_the_keyless_sequence()
    {
        var known = Entry(new ProbeSent("p1", At, "test"));
        var unknown = known with { MessageType = "Warnings.Contracts.Events.FromTheFuture, Warnings.Contracts", Payload = """{"warningId":"w9"}""" };

        var sequences = OutboxOrder.Sequences([known.Payload, unknown.Payload], [known.MessageType, unknown.MessageType]);

        Assert.Equal([[0, 1]], sequences.Select(s => s.ToArray()).ToArray());
    }

    [Fact]
    public async Task The_pipelined_relay_publishes_every_entry_once_in_order_per_warning_and_empties_the_outbox()
    {
        var clock = new FakeClock(At);
        var store = new InMemoryStateStore(Options.Create(new StoreOptions()), clock);
        await using var provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        // 250 entries: more than two relay batches, five warnings interleaved.
        var writes = Enumerable.Range(1, 50).SelectMany(version => Enumerable.Range(1, 5).Select(w => Outbox.Enqueue(Receipt($"i{w}", version), Guid.NewGuid(), At))).ToList();
        Assert.True(await store.CommitAsync([], writes));
        var relay = new OutboxRelay(store, harness.Bus, clock, Options.Create(new OutboxOptions()), NullLogger<OutboxRelay>.Instance);

        await relay.StartAsync(CancellationToken.None);
        await Eventually.Until(() => Task.FromResult(relay.Published), n => n >= writes.Count, "every entry published");
        await relay.StopAsync(CancellationToken.None);

        var published = harness.Published.Select<ReportOverdue>().Select(p => p.Context.Message).ToList();
        Assert.Equal(writes.Count, published.Count);
        foreach (var aggregate in published.GroupBy(p => p.IncidentId))
        {
            Assert.Equal(Enumerable.Range(1, 50), aggregate.Select(p => p.ReportsSoFar));
        }

        Assert.Empty(await store.ListHeadAsync(Outbox.Pending, 10));
    }
}
