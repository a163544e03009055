using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;
using Warnings.Dispatch;
using Warnings.Testing;

namespace Warnings.Platform.Tests.Dispatch;

/// <summary>
/// The delivered completions of one moment share a store step; one that cannot land fails alone,
/// and the deliveries batched with it are recorded all the same.
/// </summary>
public sealed class DeliveryRecorderBatchTests
{
    private static readonly Instant Noon = Instant.FromUtc(2026, 12, 3, 4, 0);

    [Fact]
    public async Task A_completion_that_cannot_land_fails_alone_and_the_others_in_its_step_are_recorded()
    {
        var store = new HoldingStore(new InMemoryStateStore(Options.Create(new StoreOptions()), new FakeClock(Noon)), poisonId: "w-1:v1:sms");
        var recorder = new DeliveryRecorder(store);
        Task<DeliveryRecorder.Seen> Record(string channel) =>
            recorder.RecordDeliveredAsync(new StoreKey("delivered", $"w-1:v1:{channel}"), "w-1", 1, channel, 1, Noon, Duration.FromDays(1));

        // The first step is held at the store, so the rest queue behind it and go together in the next.
        var first = Record("tv");
        await Eventually.Until(() => Task.FromResult(store.Steps.Count), n => n == 1, "the first step at the store");
        var others = new[] { "radio", "sms", "siren", "app_push" }.ToDictionary(c => c, Record);
        store.Release();

        await first;
        Assert.Equal("test: this completion cannot land", (await Assert.ThrowsAsync<InvalidOperationException>(() => others["sms"])).Message);
        foreach (string channel in new[] { "tv", "radio", "siren", "app_push" })
        {
            await others.GetValueOrDefault(channel, first);
            var record = ChannelDelivery.Parser.ParseJson((await store.GetAsync(DeliveryRecorder.Key("w-1", 1, channel)))!);
            Assert.Equal("delivered", record.Status);
        }

        Assert.Null(await store.GetAsync(DeliveryRecorder.Key("w-1", 1, "sms")));
        Assert.Contains(store.Steps, size => size == 4); // they did share a step before it failed
    }

    /// <summary>Holds the first completion step until released; any step with the poisoned delivery throws.</summary>
    private sealed class HoldingStore(IStateStore inner, string poisonId) : ForwardingStateStore(inner)
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<int> Steps { get; } = [];

        public void Release() => _released.TrySetResult();

        public override async Task<IReadOnlyList<bool>> CompleteManyOnceAsync(IReadOnlyList<OnceCompletion> completions)
        {
            bool firstStep;
            lock (Steps)
            {
                Steps.Add(completions.Count);
                firstStep = Steps.Count == 1;
            }

            if (firstStep)
            {
                await _released.Task;
            }

            return completions.Any(c => c.Done.Id == poisonId)
                ? throw new InvalidOperationException("test: this completion cannot land")
                : await base.CompleteManyOnceAsync(completions);
        }
    }
}
