using System.Collections.Concurrent;
using Grpc.Core;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using StackExchange.Redis;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;
using Warnings.Platform.Messaging;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Dispatch;

/// <summary>
/// A gateway is called once per warning, version and channel whatever happens around the call:
/// copies of the message at the same time, the store failing after the gateway accepted; whatever
/// any consumer gives up on is a dead letter operators see and requeue; a store that is away is
/// UNAVAILABLE with a retry delay, not INTERNAL. Real RabbitMQ and Redis, with a store that fails on cue.
/// </summary>
public sealed class EffectivelyOnceTests : IAsyncLifetime
{
    private Backplane _backplane = null!;
    private TestGateway _gateway = null!;
    private TestPlatform _platform = null!;
    private FlakyStore _store = null!;

    public async Task InitializeAsync()
    {
        _backplane = await Backplane.CreateRealAsync();
        _gateway = await TestGateway.StartAsync();
        var settings = TestSettings.QuickBusRetries();
        settings["Dispatch:Gateways:sms:Url"] = $"{_gateway.Url}/sms";
        settings["Dispatch:Gateways:sms:Secret"] = "test-secret";
        _platform = await TestPlatform.StartAsync(_backplane, settings: settings, services: services =>
        {
            services.AddSingleton(sp => new FlakyStore(ActivatorUtilities.CreateInstance<RedisStateStore>(sp)));
            services.AddSingleton<IStateStore>(sp => sp.GetRequiredService<FlakyStore>());
        });
        _store = _platform.Services.GetRequiredService<FlakyStore>();
    }

    private WarningService.WarningServiceClient Officer => _platform.Client(c => new WarningService.WarningServiceClient(c), Roles.DutyOfficer);

    private DispatchService.DispatchServiceClient Operator => _platform.Client(c => new DispatchService.DispatchServiceClient(c), Roles.Operator);

    private async Task<Warning> PublishAsync()
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        var draft = await Officer.CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = $"d-{Guid.NewGuid():N}",
            Content = new WarningContent
            {
                Hazard = "typhoon", Level = "red", Districts = { "310101" }, Channels = { "sms" },
                OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(6)).ToTimestamp(),
                Texts = { new WarningText { Language = "zh-CN", Headline = "台风红色预警" } },
            },
        });
        return await Officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"p-{Guid.NewGuid():N}", WarningId = draft.Id });
    }

    private Task<DeliveryStatus> DeliveredAsync(string warningId) =>
        Eventually.Until(async () => await Officer.GetDeliveryStatusAsync(new GetWarningRequest { WarningId = warningId }),
            s => s.Channels.Count > 0 && s.Channels.All(c => c.Status == "delivered"), $"{warningId} delivered");

    [Fact]
    public void The_broker_reconnect_policy_is_the_platforms_own() => Assert.True(BrokerReconnect.Applied);

    [Fact]
    public async Task Copies_of_one_delivery_at_the_same_time_call_the_gateway_once()
    {
        var bus = _platform.Services.GetRequiredService<IBus>();
        await using var recorder = await BusRecorder.ConnectAsync(bus);
        // The original goes through the fan-out (queue "dispatch"); the copies straight to sms's own queue.
        var fanOutDone = new HandledOn("dispatch");
        var smsDone = new HandledOn("dispatch-sms");
        using var observingFanOut = bus.ConnectConsumeMessageObserver(fanOutDone);
        using var observing = bus.ConnectConsumeMessageObserver(smsDone);
        _gateway.SlowDown("sms", TimeSpan.FromSeconds(1));

        var warning = await PublishAsync();
        var published = await Eventually.Until(() => Task.FromResult(recorder.Of<WarningPublished>(warning.Id)), p => p.Count > 0, "the WarningPublished event");
        var sms = await bus.GetSendEndpoint(new Uri("queue:dispatch-sms"));
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => sms.Send(published[0])));

        // The record and the "delivered" mark land in one store step, so every copy ends on the same
        // record: delivered, with the first delivery's attempt count, and the gateway called once.
        var status = await DeliveredAsync(warning.Id);
        Assert.Equal(1, Assert.Single(status.Channels).Attempts);
        await Eventually.Until(() => Task.FromResult((fanOutDone.Count(warning.Id), smsDone.Count(warning.Id))), n => n.Item1 >= 1 && n.Item2 >= 3, "the original and every copy handled");
        Assert.Single(_gateway.For("sms"), r => r.IdempotencyKey == $"{warning.Id}:v1:sms");
    }

    [Fact]
    public async Task A_store_outage_after_the_gateway_accepted_does_not_call_it_again()
    {
        _store.FailCompletions(3);

        var warning = await PublishAsync();

        await DeliveredAsync(warning.Id);
        Assert.Single(_gateway.For("sms"), r => r.IdempotencyKey == $"{warning.Id}:v1:sms");
        Assert.Equal(0, _store.CompletionFailuresLeft);
    }

    [Fact]
    public async Task What_any_consumer_gives_up_on_is_listed_and_can_be_requeued()
    {
        _store.PoisonArea = "analysis-warning"; // the analysis projection fails, not dispatch

        var warning = await PublishAsync();

        var dead = await Eventually.Until(async () => await Operator.ListDeadLettersAsync(new ListDeadLettersRequest()),
            l => l.DeadLetters.Any(d => d.Queue == "analysis-projections" && d.MessageType == nameof(WarningPublished)), "the projection's dead letter");
        var letter = dead.DeadLetters.First(d => d.Queue == "analysis-projections");
        Assert.Contains("poison", letter.Error);
        Assert.NotEmpty(letter.MessageId);

        _store.PoisonArea = null;
        await Operator.RequeueDeadLetterAsync(new RequeueDeadLetterRequest { RequestId = $"r-{Guid.NewGuid():N}", Id = letter.Id });

        await DeliveredAsync(warning.Id);
        Assert.Single(_gateway.For("sms"), r => r.IdempotencyKey == $"{warning.Id}:v1:sms");
    }

    [Fact]
    public async Task A_store_that_is_away_answers_unavailable_with_a_retry_delay()
    {
        _store.Down = true;
        try
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () => await Officer.GetWarningAsync(new GetWarningRequest { WarningId = "w-any" }));
            RpcAssert.Refused(error, StatusCode.Unavailable, "UNAVAILABLE");
            Assert.NotNull(error.GetRpcStatus()?.GetDetail<Google.Rpc.RetryInfo>());
        }
        finally
        {
            _store.Down = false;
        }
    }

    public async Task DisposeAsync()
    {
        await _platform.DisposeAsync();
        await _gateway.DisposeAsync();
        await _backplane.DisposeAsync();
    }

    /// <summary>Counts the <see cref="WarningPublished"/> messages one queue's consumer finished, by warning.</summary>
    private sealed class HandledOn(string queue) : IConsumeMessageObserver<WarningPublished>
    {
        private readonly ConcurrentDictionary<string, int> _handled = new();

        public int Count(string warningId) => _handled.GetValueOrDefault(warningId);

        public Task PreConsume(ConsumeContext<WarningPublished> context) => Task.CompletedTask;

        public Task PostConsume(ConsumeContext<WarningPublished> context)
        {
            if (context.ReceiveContext.InputAddress.AbsolutePath.EndsWith($"/{queue}", StringComparison.Ordinal))
            {
                _handled.AddOrUpdate(context.Message.Version.WarningId, 1, (_, n) => n + 1);
            }

            return Task.CompletedTask;
        }

        public Task ConsumeFault(ConsumeContext<WarningPublished> context, Exception exception) => Task.CompletedTask;
    }

    /// <summary>A real store that fails on cue: down altogether, a number of completions, or non-transiently for one area's writes.</summary>
    public sealed class FlakyStore(IStateStore inner) : ForwardingStateStore(inner)
    {
        private int _completionFailures;

        public volatile bool Down;

        public volatile string? PoisonArea;

        public int CompletionFailuresLeft => Volatile.Read(ref _completionFailures);

        public void FailCompletions(int count) => Volatile.Write(ref _completionFailures, count);

        private static RedisConnectionException Outage() => new(ConnectionFailureType.SocketFailure, CommandFlags.None, "test: the store is away");

        public override Task<string?> GetAsync(StoreKey key) => Down ? throw Outage() : base.GetAsync(key);

        public override Task<bool> CompleteOnceAsync(StoreKey done, string result, Duration remember, IReadOnlyList<StoreCondition>? conditions = null, IReadOnlyList<StoreWrite>? alsoWrite = null) =>
            TakeCompletionFailure() ? throw Outage() : base.CompleteOnceAsync(done, result, remember, conditions, alsoWrite);

        public override Task<IReadOnlyList<bool>> CompleteManyOnceAsync(IReadOnlyList<OnceCompletion> completions) =>
            TakeCompletionFailure() ? throw Outage() : base.CompleteManyOnceAsync(completions);

        private bool TakeCompletionFailure()
        {
            int left;
            do
            {
                left = Volatile.Read(ref _completionFailures);
                if (left <= 0)
                {
                    return false;
                }
            }
            while (Interlocked.CompareExchange(ref _completionFailures, left - 1, left) != left);
            return true;
        }

        public override Task<bool> CommitAsync(IReadOnlyList<StoreCondition> conditions, IReadOnlyList<StoreWrite> writes) =>
            PoisonArea is { } area && writes.Any(w => w.Key.Area == area)
                ? throw new InvalidOperationException("test: poison write")
                : base.CommitAsync(conditions, writes);
    }
}
