using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Warnings.Contracts.Events;
using Warnings.Core.Commands;
using Warnings.Core.Storage;
using Warnings.Testing;

namespace Warnings.Core.Tests.Commands;

/// <summary>
/// One relay at a time across instances: the holder keeps its lease between drains, the others do not
/// ask for it at every commit's nudge, and a holder that stops hands over at once.
/// </summary>
public sealed class OutboxRelayLeaseTests : IAsyncLifetime
{
    private static readonly Instant At = Instant.FromUtc(2026, 12, 3, 4, 0);

    // Long enough that a take-over within the test can only come from the stopping holder's word:
    // the fake clock never lets a lease expire, and the others ask again only every 20 s.
    private static readonly IOptions<OutboxOptions> LongLease = Options.Create(new OutboxOptions { LeaseTime = TimeSpan.FromMinutes(1) });

    private readonly InMemoryStateStore _store = new(Options.Create(new StoreOptions()), new FakeClock(At));
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    private OutboxRelay Relay(IStateStore store) => new(store, _harness.Bus, new FakeClock(At), LongLease, NullLogger<OutboxRelay>.Instance);

    // A command's commit and its nudge, as Commands makes them.
    private Task CommitAsync(int number) => CommitAsync(_store, number);

    [Fact]
    public async Task The_holder_relays_every_commit_and_the_others_do_not_ask_for_the_lease_at_each_nudge()
    {
        var holder = Relay(_store);
        await holder.StartAsync(CancellationToken.None);
        await CommitAsync(0);
        await Eventually.Until(() => Task.FromResult(holder.Published), n => n == 1, "the first relay to hold the lease and publish");
        var counting = new LeaseCounting(_store);
        var other = Relay(counting);
        await other.StartAsync(CancellationToken.None);

        for (int i = 1; i <= 40; i++)
        {
            await CommitAsync(i);
            await Eventually.Until(() => Task.FromResult(holder.Published), n => n == i + 1, $"commit {i} relayed");
        }

        Assert.Equal(0, other.Published);
        Assert.InRange(counting.Acquisitions, 1, 2); // at its start, and perhaps once more: not 40 times
        await other.StopAsync(CancellationToken.None);
        await holder.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_holder_that_stops_hands_over_at_once_not_when_its_lease_would_expire()
    {
        var first = Relay(_store);
        await first.StartAsync(CancellationToken.None);
        await CommitAsync(0);
        await Eventually.Until(() => Task.FromResult(first.Published), n => n == 1, "the first relay to publish");
        var second = Relay(_store);
        await second.StartAsync(CancellationToken.None);

        await first.StopAsync(CancellationToken.None);
        await CommitAsync(1);

        await Eventually.Until(() => Task.FromResult(second.Published), n => n == 1, "the second relay to take over", TimeSpan.FromSeconds(10));
        Assert.Empty(await _store.ListHeadAsync(Outbox.Pending, 10));
        await second.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_holder_that_cannot_publish_frees_its_lease_for_one_that_can()
    {
        var yielding = Options.Create(new OutboxOptions { LeaseTime = TimeSpan.FromMinutes(1), YieldAfter = TimeSpan.FromMilliseconds(300), PublishTimeout = TimeSpan.FromSeconds(1) });
        var broken = new OutboxRelay(_store, BrokerUnreachable.Create(), new FakeClock(At), yielding, NullLogger<OutboxRelay>.Instance);
        await broken.StartAsync(CancellationToken.None);
        await Eventually.Until(() => _store.GetAsync(Outbox.RelayLease), holder => holder is not null, "the broken relay to hold the lease");
        var healthy = Relay(_store);
        await healthy.StartAsync(CancellationToken.None);

        await CommitAsync(0);

        // Within seconds although the lease is a minute: the broken holder freed it and said so.
        await Eventually.Until(() => Task.FromResult(healthy.Published), n => n == 1, "the healthy relay to take over and publish", TimeSpan.FromSeconds(10));
        Assert.Equal(0, broken.Published);
        Assert.Empty(await _store.ListHeadAsync(Outbox.Pending, 10));
        await healthy.StopAsync(CancellationToken.None);
        await broken.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_holder_that_cannot_publish_and_lost_its_lease_meanwhile_says_so_and_announces_no_hand_over()
    {
        // Paused mid-publish past its lease (a frozen process, a stop-the-world pause) while another
        // instance took the lease; then the publish fails. YieldAfter zero: the first failure yields.
        var yielding = Options.Create(new OutboxOptions { LeaseTime = TimeSpan.FromMinutes(1), YieldAfter = TimeSpan.Zero, PublishTimeout = TimeSpan.FromSeconds(30) });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (bus, publishes) = GatedBus.Create(BrokerUnreachable.Create(), gate.Task);
        var log = new RecordingLogger<OutboxRelay>();
        var broken = new OutboxRelay(_store, bus, new FakeClock(At), yielding, log);
        var announced = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await _store.SubscribeAsync(Outbox.LeaseFreedChannel, announced.Enqueue);
        await broken.StartAsync(CancellationToken.None);
        string owner = (await Eventually.Until(() => _store.GetAsync(Outbox.RelayLease), holder => holder is not null, "the relay to hold the lease"))!;
        await CommitAsync(0);
        await Eventually.Until(() => Task.FromResult(publishes.Waiting), n => n == 1, "the relay to be publishing");

        Assert.True(await _store.ReleaseLeaseAsync(Outbox.RelayLease, owner));
        Assert.True(await _store.AcquireLeaseAsync(Outbox.RelayLease, "another-instance", Duration.FromMinutes(1)));
        gate.SetResult();

        await Eventually.Until(() => Task.FromResult(string.Join(" | ", log.Messages)), logged => logged.Contains("its lease had already lapsed or passed to another instance", StringComparison.Ordinal), "the relay to say the lease was no longer its own");
        Assert.DoesNotContain(log.Messages, l => l.Contains("its lease is freed", StringComparison.Ordinal));
        Assert.Equal("another-instance", await _store.GetAsync(Outbox.RelayLease));
        await broken.StopAsync(CancellationToken.None);
        Assert.Empty(announced);
        Assert.Equal("another-instance", await _store.GetAsync(Outbox.RelayLease));
    }

    [Fact]
    public async Task A_relay_that_lost_its_lease_while_publishing_leaves_what_the_next_holder_has_not_relayed()
    {
        // A holder paused in the middle of its publishes (a stop-the-world pause, a frozen VM, cut off
        // from the store) past its lease; the next holder relays the same entries, removes them and
        // stops; new entries are committed; then the paused relay's publishes finish. Removing "the
        // first two" then would have dropped the new entries unpublished.
        await using var paused = await PausedRelay.StartAsync(_harness.Bus);
        var (store, clock) = (paused.Store, paused.Clock);
        var next = new OutboxRelay(store, _harness.Bus, clock, PausedRelay.Patient, NullLogger<OutboxRelay>.Instance);
        try
        {
            await next.StartAsync(CancellationToken.None);
            await Eventually.Until(() => Task.FromResult(next.Published), n => n == 2, "the next holder to relay the same two entries");
            await Eventually.Until(() => store.ListLengthAsync(Outbox.Pending), n => n == 0, "the next holder to remove them");
            await next.StopAsync(CancellationToken.None);
            await CommitAsync(store, 2);
            await CommitAsync(store, 3);

            paused.Gate.SetResult();

            // The lease is free again (the next holder stopped), so the paused relay takes it back and relays what is there.
            await Eventually.Until(() => Task.FromResult(paused.Relay.Published), n => n == 4, "the paused relay to relay the new entries too (the first two again, dropped by their message ids)", TimeSpan.FromSeconds(15));
            Assert.Equal(0, await store.ListLengthAsync(Outbox.Pending));
            foreach (var probe in new[] { "p2", "p3" })
            {
                Assert.True(await _harness.Published.Any<ProbeSent>(p => p.Context.Message.ProbeId == probe), $"{probe} published");
            }
        }
        finally
        {
            await next.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_relay_paused_past_its_lease_asks_for_it_before_its_next_batch_and_leaves_that_batch_to_the_holder()
    {
        // Paused past its lease between its publishes and its next batch; another relay took the
        // lease but had not relayed yet, so the paused relay's removal of its own head works. Going
        // on to the next batch before its renewal runs would publish beside the new holder.
        LeaseCounting counting = null!;
        await using var paused = await PausedRelay.StartAsync(_harness.Bus, store => counting = new LeaseCounting(store));
        var store = paused.Store;
        Assert.True(await store.AcquireLeaseAsync(Outbox.RelayLease, "the-next-holder", Duration.FromMinutes(1)));
        await CommitAsync(store, 2);
        await CommitAsync(store, 3);
        paused.Gate.SetResult();

        await Eventually.Until(() => Task.FromResult((counting.Refusals, paused.Relay.Published)), seen => seen.Refusals >= 1 || seen.Published > 2,
            "the paused relay to be refused the lease before its next batch (or to publish that batch)");
        Assert.Equal(2, paused.Relay.Published);
        Assert.Equal(2, await store.ListLengthAsync(Outbox.Pending)); // its own head removed; p2 and p3 left to the holder
    }

    [Fact]
    public async Task A_holder_asks_for_its_lease_before_a_batch_only_when_its_grant_is_old_or_the_clock_went_back()
    {
        var clock = new FakeClock(At);
        var store = new InMemoryStateStore(Options.Create(new StoreOptions()), clock);
        var counting = new LeaseCounting(store);
        var holder = new OutboxRelay(counting, _harness.Bus, clock, LongLease, NullLogger<OutboxRelay>.Instance);
        await holder.StartAsync(CancellationToken.None);
        try
        {
            for (int i = 0; i < 20; i++)
            {
                await CommitAsync(store, i);
                await Eventually.Until(() => Task.FromResult(holder.Published), n => n == i + 1, $"commit {i} relayed");
            }

            Assert.Equal(1, counting.Acquisitions); // at its start: a batch under a fresh grant costs no request

            clock.Reset(At - Duration.FromSeconds(10)); // the clock stepped back: how old the grant is cannot be told
            await CommitAsync(store, 20);
            await Eventually.Until(() => Task.FromResult(holder.Published), n => n == 21, "the commit after the step relayed");
            Assert.Equal(2, counting.Acquisitions); // asked once more, granted (it is still its own), relays on
        }
        finally
        {
            await holder.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_entry_of_a_type_this_build_does_not_know_is_parked_once_and_does_not_hold_up_the_rest()
    {
        // The same entry twice, as after a relay that parked it died before removing it: parked once.
        var unknown = System.Text.Json.JsonSerializer.Serialize(
            new OutboxMessage(Guid.NewGuid(), "Warnings.Contracts.Events.FromANewerBuild, Warnings.Contracts", "{}", At), Json.PlatformJson.Options);
        Assert.True(await _store.CommitAsync([], [StoreWrite.Append(Outbox.Pending, unknown), StoreWrite.Append(Outbox.Pending, unknown)]));
        await CommitAsync(0);
        var relay = Relay(_store);
        await relay.StartAsync(CancellationToken.None);

        await Eventually.Until(() => Task.FromResult(relay.Published), n => n == 1, "the known entry behind the unknown one to be published");
        await Eventually.Until(() => _store.ListLengthAsync(Outbox.Pending), n => n == 0, "the outbox to be emptied");
        Assert.Equal([unknown], await _store.ListHeadAsync(Outbox.Dead, 10));
        await relay.StopAsync(CancellationToken.None);
    }

    private static async Task CommitAsync(IStateStore store, int number)
    {
        Assert.True(await store.CommitAsync([], [Outbox.Enqueue(new ProbeSent($"p{number}", At, "test"), Guid.NewGuid(), At)]));
        await store.PublishAsync(Outbox.NudgeChannel, "");
    }

    /// <summary>A bus whose publishes wait for a gate before they go to the real bus.</summary>
    public class GatedBus : System.Reflection.DispatchProxy
    {
        private IBus _inner = null!;
        private Task _gate = null!;
        private int _waiting;

        /// <summary>How many publishes have reached the gate.</summary>
        public int Waiting => Volatile.Read(ref _waiting);

        public static (IBus Bus, GatedBus Gate) Create(IBus inner, Task gate)
        {
            var bus = Create<IBus, GatedBus>();
            var proxy = (GatedBus)(object)bus;
            proxy._inner = inner;
            proxy._gate = gate;
            return (bus, proxy);
        }

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) =>
            targetMethod!.Name == nameof(IBus.Publish) ? PublishAfterGateAsync(targetMethod, args) : targetMethod.Invoke(_inner, args);

        private async Task PublishAfterGateAsync(System.Reflection.MethodInfo publish, object?[]? args)
        {
            Interlocked.Increment(ref _waiting);
            await _gate;
            await (Task)publish.Invoke(_inner, args)!;
        }
    }

    /// <summary>A bus whose every call fails, as one instance's broker connection can while the others' work.</summary>
    public class BrokerUnreachable : System.Reflection.DispatchProxy
    {
        public static IBus Create() => Create<IBus, BrokerUnreachable>();

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException("test: this instance cannot reach the broker");
    }

    /// <summary>
    /// A relay (on a store of its own, with a fake clock) held in the middle of publishing its first
    /// batch, p0 and p1, while its lease lapses in the store: the clock is two leases on when started.
    /// </summary>
    private sealed class PausedRelay : IAsyncDisposable
    {
        public static readonly IOptions<OutboxOptions> Patient = Options.Create(new OutboxOptions { LeaseTime = TimeSpan.FromMinutes(1), PublishTimeout = TimeSpan.FromMinutes(1) });

        public FakeClock Clock { get; } = new(At);

        public InMemoryStateStore Store { get; }

        /// <summary>Set to let its publishes go on.</summary>
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public OutboxRelay Relay { get; private set; } = null!;

        private PausedRelay() => Store = new InMemoryStateStore(Options.Create(new StoreOptions()), Clock);

        /// <param name="storeSeen">What the relay sees of the store (e.g. a counting wrapper).</param>
        public static async Task<PausedRelay> StartAsync(IBus bus, Func<IStateStore, IStateStore>? storeSeen = null)
        {
            var paused = new PausedRelay();
            var (gatedBus, publishes) = GatedBus.Create(bus, paused.Gate.Task);
            await CommitAsync(paused.Store, 0);
            await CommitAsync(paused.Store, 1);
            paused.Relay = new OutboxRelay(storeSeen?.Invoke(paused.Store) ?? paused.Store, gatedBus, paused.Clock, Patient, NullLogger<OutboxRelay>.Instance);
            try
            {
                await paused.Relay.StartAsync(CancellationToken.None);
                await Eventually.Until(() => Task.FromResult(publishes.Waiting), n => n >= 1, "the relay to be held publishing its batch of both");
            }
            catch
            {
                await paused.DisposeAsync();
                throw;
            }

            paused.Clock.Advance(Duration.FromMinutes(2)); // its lease lapses in the store
            return paused;
        }

        public async ValueTask DisposeAsync()
        {
            Gate.TrySetResult();
            await Relay.StopAsync(CancellationToken.None);
        }
    }

    private sealed class LeaseCounting(IStateStore inner) : ForwardingStateStore(inner)
    {
        private int _acquisitions, _refusals;

        public int Acquisitions => Volatile.Read(ref _acquisitions);

        /// <summary>How many of the acquisitions were refused (the lease was another's).</summary>
        public int Refusals => Volatile.Read(ref _refusals);

        public override async Task<bool> AcquireLeaseAsync(StoreKey key, string owner, Duration ttl)
        {
            Interlocked.Increment(ref _acquisitions);
            bool held = await base.AcquireLeaseAsync(key, owner, ttl);
            if (!held)
            {
                Interlocked.Increment(ref _refusals);
            }

            return held;
        }
    }
}
