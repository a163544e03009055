using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Warnings.Core.Storage;
using Warnings.Testing;

namespace Warnings.Core.Tests.Storage;

/// <summary>
/// A document collection reads a window of its creation order in two round trips, whatever its
/// size: a list page reads the part of the history it shows, not the whole history one key at a time.
/// </summary>
public sealed class ProtoDocumentsWindowTests
{
    private sealed class Stamps(IStateStore store) : ProtoDocuments<Timestamp>(store, "stamp");

    /// <summary>Counts the store's round trips.</summary>
    private sealed class CountingStore(IStateStore inner) : ForwardingStateStore(inner)
    {
        public int Calls { get; set; }

        public override Task<string?> GetAsync(StoreKey key) { Calls++; return base.GetAsync(key); }

        public override Task<IReadOnlyList<string?>> GetManyAsync(IReadOnlyList<StoreKey> keys) { Calls++; return base.GetManyAsync(keys); }

        public override Task<IReadOnlyList<string>> ListRangeAsync(StoreKey key, long start, int count) { Calls++; return base.ListRangeAsync(key, start, count); }
    }

    private static async Task<(CountingStore Store, Stamps Stamps)> StoredAsync(int count)
    {
        var store = new CountingStore(new InMemoryStateStore(Options.Create(new StoreOptions()), new FakeClock(Instant.FromUtc(2026, 12, 2, 4, 0))));
        var stamps = new Stamps(store);
        for (int i = 0; i < count; i++)
        {
            var (conditions, writes) = stamps.Create($"s{i}", new Timestamp { Seconds = i });
            Assert.True(await store.CommitAsync(conditions, writes));
        }

        store.Calls = 0;
        return (store, stamps);
    }

    [Fact]
    public async Task A_window_is_two_round_trips_in_creation_order_with_null_for_a_missing_document()
    {
        var (store, stamps) = await StoredAsync(1_200);
        await store.DeleteAsync(stamps.Key("s501"));
        store.Calls = 0;

        var window = await stamps.WindowAsync(500, 3);

        Assert.Equal([500L, -1, 502], window.Select(t => t?.Seconds ?? -1));
        Assert.Equal(2, store.Calls);
        Assert.Equal(1_200, await stamps.CountAsync());
        Assert.Empty(await stamps.WindowAsync(1_200, 10));
    }

    [Fact]
    public async Task Every_document_is_read_a_window_at_a_time()
    {
        var (store, stamps) = await StoredAsync(1_200);

        var all = await stamps.AllAsync();

        Assert.Equal(Enumerable.Range(0, 1_200).Select(i => (long)i), all.Select(t => t.Seconds));
        Assert.Equal(6, store.Calls); // three windows of 500, two round trips each
    }
}
