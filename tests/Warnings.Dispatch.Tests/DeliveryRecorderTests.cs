using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Warnings.Contracts.Delivery;
using Warnings.Contracts.Time;
using Warnings.Core.Storage;
using Warnings.Dispatch;

namespace Warnings.Dispatch.Tests;

/// <summary>The rules of a channel's delivery record: whatever order the steps land in, delivered stays delivered and attempts only grow.</summary>
public class DeliveryRecorderTests
{
    private static readonly Instant Noon = Instant.FromUtc(2026, 12, 2, 4, 0);

    [Fact]
    public void A_first_failure_then_a_retry_then_delivery_reads_as_the_story_happened()
    {
        var failed = DeliveryRecorder.Merge(null, "sms", "failed", 1, Noon, "503 from the gateway");
        var retrying = DeliveryRecorder.Merge(failed, "sms", "attempting", 2, Noon + Duration.FromSeconds(1));
        var delivered = DeliveryRecorder.Merge(retrying, "sms", "delivered", 2, Noon + Duration.FromSeconds(2));

        Assert.Equal(("failed", 1, "503 from the gateway"), (failed.Status, failed.Attempts, failed.LastError));
        Assert.Equal(("attempting", 2), (retrying.Status, retrying.Attempts));
        Assert.Equal(("delivered", 2, "sms"), (delivered.Status, delivered.Attempts, delivered.Channel));
        Assert.Equal(Noon + Duration.FromSeconds(2), delivered.UpdatedAt.ToInstant());
    }

    [Fact]
    public void A_late_failure_or_retry_never_undoes_delivered_nor_lowers_the_attempts_or_the_time()
    {
        var delivered = DeliveryRecorder.Merge(null, "tv", "delivered", 3, Noon);

        var late = DeliveryRecorder.Merge(DeliveryRecorder.Merge(delivered, "tv", "failed", 1, Noon - Duration.FromSeconds(5), "timeout"), "tv", "attempting", 2, Noon - Duration.FromSeconds(4));

        Assert.Equal(("delivered", 3), (late.Status, late.Attempts));
        Assert.Equal(Noon, late.UpdatedAt.ToInstant());
        Assert.Equal("delivered", delivered.Status); // the record read is never changed in place
    }

    private static InMemoryStateStore NewStore() => new(Options.Create(new StoreOptions()), new FakeClock(Noon));

    [Fact]
    public async Task Delivered_is_marked_and_recorded_in_one_step_and_a_second_copy_finds_both()
    {
        var store = NewStore();
        var recorder = new DeliveryRecorder(store);
        var done = new StoreKey("delivered", "w-1:v1:sms");
        Assert.Equal(OnceOutcome.Claimed, (await store.ClaimOnceAsync(done, "me", Duration.FromSeconds(30))).Outcome);
        await recorder.RecordAsync("w-1", 1, "sms", "failed", 1, Noon, "refused");

        await recorder.RecordDeliveredAsync(done, "w-1", 1, "sms", 2, Noon + Duration.FromSeconds(1), Duration.FromDays(30));

        Assert.Equal(OnceOutcome.Done, (await store.ClaimOnceAsync(done, "a copy", Duration.FromSeconds(30))).Outcome);
        var record = Contracts.V1.ChannelDelivery.Parser.ParseJson(await store.GetAsync(new StoreKey(DeliveryRecords.Area, DeliveryRecords.Id("w-1", 1, "sms"))));
        Assert.Equal(("delivered", 2, "refused"), (record.Status, record.Attempts, record.LastError));
    }

    [Fact]
    public async Task A_record_seen_at_the_claim_that_changed_since_is_read_again_not_overwritten()
    {
        var store = NewStore();
        var recorder = new DeliveryRecorder(store);
        var done = new StoreKey("delivered", "w-2:v1:tv");
        var claim = await store.ClaimOnceAsync(done, "me", Duration.FromSeconds(30), DeliveryRecorder.Key("w-2", 1, "tv"));
        Assert.Null(claim.AlsoRead);
        // A copy whose claim had run out records its failure after this claim read the record.
        await recorder.RecordAsync("w-2", 1, "tv", "failed", 3, Noon, "timeout");

        await recorder.RecordDeliveredAsync(done, "w-2", 1, "tv", 1, Noon + Duration.FromSeconds(1), Duration.FromDays(30), new DeliveryRecorder.Seen(claim.AlsoRead));

        var record = Contracts.V1.ChannelDelivery.Parser.ParseJson(await store.GetAsync(DeliveryRecorder.Key("w-2", 1, "tv")));
        Assert.Equal(("delivered", 3, "timeout"), (record.Status, record.Attempts, record.LastError));
        Assert.Equal(OnceOutcome.Done, (await store.ClaimOnceAsync(done, "a copy", Duration.FromSeconds(30))).Outcome);
    }

    [Fact]
    public async Task A_retry_reads_the_record_only_with_its_claim_and_records_attempting_then_delivered()
    {
        var inner = NewStore();
        await new DeliveryRecorder(inner).RecordAsync("w-3", 1, "radio", "failed", 1, Noon, "503");
        var store = CountingStore.Over(inner);
        var recorder = new DeliveryRecorder(store);
        var done = new StoreKey("delivered", "w-3:v1:radio");

        var claim = await store.ClaimOnceAsync(done, "me", Duration.FromSeconds(30), DeliveryRecorder.Key("w-3", 1, "radio"));
        var seen = await recorder.RecordAsync("w-3", 1, "radio", "attempting", 2, Noon + Duration.FromSeconds(1), seen: new DeliveryRecorder.Seen(claim.AlsoRead));
        await recorder.RecordDeliveredAsync(done, "w-3", 1, "radio", 2, Noon + Duration.FromSeconds(2), Duration.FromDays(30), seen);

        Assert.Equal(0, CountingStore.Gets(store));
        var record = Contracts.V1.ChannelDelivery.Parser.ParseJson(await inner.GetAsync(DeliveryRecorder.Key("w-3", 1, "radio")));
        Assert.Equal(("delivered", 2, "503"), (record.Status, record.Attempts, record.LastError));
    }

    /// <summary>Any <see cref="IStateStore"/>, counting its reads (<see cref="IStateStore.GetAsync"/>).</summary>
    public class CountingStore : System.Reflection.DispatchProxy
    {
        private IStateStore _inner = null!;
        private int _gets;

        public static IStateStore Over(IStateStore inner)
        {
            var proxy = Create<IStateStore, CountingStore>();
            ((CountingStore)(object)proxy)._inner = inner;
            return proxy;
        }

        public static int Gets(IStateStore proxy) => ((CountingStore)(object)proxy)._gets;

        protected override object? Invoke(System.Reflection.MethodInfo? method, object?[]? args)
        {
            if (method!.Name == nameof(IStateStore.GetAsync))
            {
                Interlocked.Increment(ref _gets);
            }

            return method.Invoke(_inner, args);
        }
    }
}

public sealed class SupersededDeliveryTests
{
    private static readonly Instant Noon = Instant.FromUtc(2026, 12, 2, 4, 0);

    [Fact]
    public async Task An_older_version_waiting_in_a_channel_queue_is_not_sent_after_a_later_one_was_delivered()
    {
        var clock = new FakeClock(Noon);
        var store = new InMemoryStateStore(Options.Create(new StoreOptions()), clock);
        var records = new DeliveryRecorder(store);
        var deliverer = new ChannelDeliverer(null!, new CellAreas(new DispatchOptions()), store, records, clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<ChannelDeliverer>.Instance);
        var v1 = Warnings.Core.Hosting.WarmUpSample.Warning(Noon, ["sms"]) with { WarningId = "w-9", Version = 1 };

        Assert.Null(await deliverer.DeliveredLaterAsync("sms", v1));
        // The lift (v3) went out on sms while v1 was still being retried; v2 never concerned sms.
        await store.CompleteOnceAsync(new StoreKey("delivered", "w-9:v3:sms"), "at noon", Duration.FromDays(1));
        // On another channel it did not: that one is unaffected.
        Assert.Null(await deliverer.DeliveredLaterAsync("tv", v1));

        int? later = await deliverer.DeliveredLaterAsync("sms", v1);
        Assert.Equal(3, later);
        await deliverer.SupersedeAsync("sms", v1, later!.Value, attempt: 4);

        // Settled without a gateway call (it has none here: a call would throw): copies drop it, the record says why.
        Assert.Equal(new OnceClaim(OnceOutcome.Done, "superseded by v3"), await store.ClaimOnceAsync(new StoreKey("delivered", "w-9:v1:sms"), "copy", Duration.FromSeconds(30)));
        var record = Warnings.Contracts.V1.ChannelDelivery.Parser.ParseJson((await store.GetAsync(DeliveryRecorder.Key("w-9", 1, "sms")))!);
        Assert.Equal("superseded", record.Status);
        Assert.Equal(4, record.Attempts);
        Assert.Contains("v3 was delivered first", record.LastError);
    }
}
