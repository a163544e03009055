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
    private async Task CommitAsync(int number)
    {
        Assert.True(await _store.CommitAsync([], [Outbox.Enqueue(new ProbeSent($"p{number}", At, "test"), Guid.NewGuid(), At)]));
        await _store.PublishAsync(Outbox.NudgeChannel, "");
    }

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

    /// <summary>A bus whose every call fails, as one instance's broker connection can while the others' work.</summary>
    public class BrokerUnreachable : System.Reflection.DispatchProxy
    {
        public static IBus Create() => Create<IBus, BrokerUnreachable>();

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException("test: this instance cannot reach the broker");
    }

    private sealed class LeaseCounting(IStateStore inner) : ForwardingStateStore(inner)
    {
        private int _acquisitions;

        public int Acquisitions => Volatile.Read(ref _acquisitions);

        public override Task<bool> AcquireLeaseAsync(StoreKey key, string owner, Duration ttl)
        {
            Interlocked.Increment(ref _acquisitions);
            return base.AcquireLeaseAsync(key, owner, ttl);
        }
    }
}
