using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;
using Warnings.PublicationList.Storage;
using Warnings.Testing;

namespace Warnings.PublicationList.Tests;

public sealed class ListSnapshotsTests
{
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 12, 2, 8, 0));
    private static readonly StoreKey Current = new("publication-list", "current");
    private readonly InMemoryStateStore _store;
    private readonly StaleOnce _reads;
    private readonly ListSnapshots _snapshots;

    public ListSnapshotsTests()
    {
        _store = new InMemoryStateStore(Options.Create(new StoreOptions()), _clock);
        _reads = new StaleOnce(_store);
        _snapshots = new ListSnapshots(new ListRepository(_reads), NullLogger<ListSnapshots>.Instance);
    }

    // Answers the current version's read once with an older value: a read that raced an edit.
    private sealed class StaleOnce(IStateStore inner) : ForwardingStateStore(inner)
    {
        public string? NextCurrent { get; set; }

        public override Task<string?> GetAsync(StoreKey key)
        {
            if (key == Current && NextCurrent is { } stale)
            {
                NextCurrent = null;
                return Task.FromResult<string?>(stale);
            }

            return base.GetAsync(key);
        }
    }

    [Fact]
    public async Task A_store_restored_to_an_older_version_is_followed_not_outvoted_by_the_cache()
    {
        await EditAsync(basedOn: 0, reason: "first");
        await EditAsync(basedOn: 1, reason: "second");
        Assert.Equal(2, (await _snapshots.CurrentAsync()).Version);

        // A restore to a backup taken at v1: the current pointer goes back, v2 is gone.
        await _store.CommitAsync([], [new StoreWrite(Current, "1")]);
        var afterRestore = await _snapshots.CurrentAsync();
        Assert.Equal(1, afterRestore.Version);
        Assert.Equal("first", afterRestore.Document.EditedBy);

        // The next edit writes a different v2, which this instance then follows.
        await EditAsync(basedOn: 1, reason: "second after restore");
        var next = await _snapshots.CurrentAsync();
        Assert.Equal(2, next.Version);
        Assert.Equal("second after restore", next.Document.EditedBy);
    }

    [Fact]
    public async Task A_version_this_instance_adopted_is_not_undone_by_an_older_read()
    {
        await EditAsync(basedOn: 0, reason: "first");
        Assert.Equal(1, (await _snapshots.CurrentAsync()).Version);
        var second = await EditAsync(basedOn: 1, reason: "second");
        await _snapshots.AdoptAsync(second);

        // A read of the version number that left before the edit committed answers 1.
        _reads.NextCurrent = "1";
        Assert.Equal(2, (await _snapshots.CurrentAsync()).Version);
        Assert.Equal(2, _snapshots.Cached.Version);
    }

    [Fact]
    public async Task A_store_that_lost_the_list_does_not_empty_the_one_in_effect()
    {
        await EditAsync(basedOn: 0, reason: "first");
        Assert.Equal(1, (await _snapshots.CurrentAsync()).Version);

        await _store.DeleteAsync(Current);

        var held = await _snapshots.CurrentAsync();
        Assert.Equal(1, held.Version);
        Assert.Equal("first", held.Document.EditedBy);
    }

    [Fact]
    public async Task A_version_named_just_before_a_restore_is_not_an_error()
    {
        await EditAsync(basedOn: 0, reason: "first");
        Assert.Equal(1, (await _snapshots.CurrentAsync()).Version);

        // The read says v2 is current, but the store was restored to v1 before v2 could be loaded.
        _reads.NextCurrent = "2";
        var held = await _snapshots.CurrentAsync();

        Assert.Equal(1, held.Version);
    }

    [Fact]
    public async Task A_store_ahead_at_the_second_read_is_followed_forward()
    {
        await EditAsync(basedOn: 0, reason: "first");
        await EditAsync(basedOn: 1, reason: "second");
        await _snapshots.AdoptAsync((await new ListRepository(_store).LoadAsync(2))!);
        await EditAsync(basedOn: 2, reason: "third");

        _reads.NextCurrent = "1";
        Assert.Equal(3, (await _snapshots.CurrentAsync()).Version);
    }

    [Fact]
    public async Task A_version_is_known_as_stored_by_its_change_record_not_its_number()
    {
        var repository = new ListRepository(_store);
        var first = await EditAsync(basedOn: 0, reason: "first");
        var second = await EditAsync(basedOn: 1, reason: "second");
        Assert.True(await repository.IsStoredAsync(second));

        // Restored to v1, then another v2 is written.
        await _store.CommitAsync([], [new StoreWrite(Current, "1")]);
        _clock.Advance(Duration.FromMinutes(1));
        await EditAsync(basedOn: 1, reason: "another second");

        Assert.False(await repository.IsStoredAsync(second));
        Assert.True(await repository.IsStoredAsync(first));
    }

    private async Task<Contracts.V1.PublicationList> EditAsync(long basedOn, string reason)
    {
        var list = DefaultList.Load();
        var change = new ListChange { At = _clock.GetCurrentInstant().ToTimestamp(), By = reason, Reason = reason, RequestId = reason };
        var (conditions, writes) = ListRepository.Edit(basedOn, list, change);
        Assert.True(await _store.CommitAsync(conditions, writes));
        return list;
    }
}
