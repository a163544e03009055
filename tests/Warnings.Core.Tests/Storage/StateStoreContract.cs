using NodaTime;
using Warnings.Core.Storage;
using Warnings.Testing;

namespace Warnings.Core.Tests.Storage;

/// <summary>
/// What every <see cref="IStateStore"/> must do. The in-memory store and the Redis store each run
/// this whole class, so the embedded default behaves like production.
/// </summary>
public abstract class StateStoreContract
{
    protected abstract IStateStore Store { get; }

    /// <summary>Lets <paramref name="elapsed"/> pass for the store (a FakeClock advance, or real time for Redis).</summary>
    protected abstract void PassTime(Duration elapsed);

    private static StoreKey NewKey(string area = "contract") => new(area, Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Answers_ping()
    {
        Assert.True(await Store.PingAsync());
    }

    [Fact]
    public async Task Get_of_a_missing_key_is_null()
    {
        Assert.Null(await Store.GetAsync(NewKey()));
    }

    [Fact]
    public async Task Set_then_get_returns_the_value_and_set_replaces_it()
    {
        var key = NewKey();
        await Store.SetAsync(key, "first 预警");
        Assert.Equal("first 预警", await Store.GetAsync(key));

        await Store.SetAsync(key, "second");
        Assert.Equal("second", await Store.GetAsync(key));
    }

    [Fact]
    public async Task Keys_in_different_areas_do_not_collide()
    {
        var id = Guid.NewGuid().ToString("N");
        await Store.SetAsync(new StoreKey("a", id), "in a");
        await Store.SetAsync(new StoreKey("b", id), "in b");

        Assert.Equal("in a", await Store.GetAsync(new StoreKey("a", id)));
        Assert.Equal("in b", await Store.GetAsync(new StoreKey("b", id)));
    }

    [Fact]
    public async Task Delete_reports_whether_the_key_existed()
    {
        var key = NewKey();
        Assert.False(await Store.DeleteAsync(key));
        await Store.SetAsync(key, "v");

        Assert.True(await Store.DeleteAsync(key));
        Assert.Null(await Store.GetAsync(key));
    }

    [Fact]
    public async Task A_value_with_expiry_is_there_before_and_gone_after()
    {
        var key = NewKey();
        await Store.SetAsync(key, "short-lived", Duration.FromMilliseconds(300));
        var kept = NewKey();
        await Store.SetAsync(kept, "long-lived", Duration.FromHours(1));

        PassTime(Duration.FromMilliseconds(301));

        await Eventually.Until(() => Store.GetAsync(key), v => v is null, "the expired value to vanish");
        Assert.Equal("long-lived", await Store.GetAsync(kept));
    }

    [Fact]
    public async Task Hash_set_if_absent_keeps_the_first_value_per_field()
    {
        var key = NewKey();

        Assert.True(await Store.HashSetIfAbsentAsync(key, "issuing", "first"));
        Assert.False(await Store.HashSetIfAbsentAsync(key, "issuing", "second"));
        Assert.True(await Store.HashSetIfAbsentAsync(key, "dispatch", "other"));

        var all = await Store.HashGetAllAsync(key);
        Assert.Equal(2, all.Count);
        Assert.Equal("first", all["issuing"]);
        Assert.Equal("other", all["dispatch"]);
    }

    [Fact]
    public async Task Concurrent_hash_set_if_absent_has_exactly_one_winner()
    {
        var key = NewKey();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Store.HashSetIfAbsentAsync(key, "field", $"writer {i}")));

        Assert.Single(results, won => won);
    }

    [Fact]
    public async Task Hash_of_a_missing_key_is_empty()
    {
        Assert.Empty(await Store.HashGetAllAsync(NewKey()));
    }

    [Fact]
    public async Task A_hash_with_expiry_vanishes_whole()
    {
        var key = NewKey();
        await Store.HashSetIfAbsentAsync(key, "a", "1", Duration.FromMilliseconds(300));
        await Store.HashSetIfAbsentAsync(key, "b", "2");

        PassTime(Duration.FromMilliseconds(301));

        await Eventually.Until(() => Store.HashGetAllAsync(key), h => h.Count == 0, "the expired hash to vanish");
    }
}
