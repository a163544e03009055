using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;
using Warnings.PublicationList.Storage;

namespace Warnings.PublicationList.Tests;

public sealed class ListSnapshotsTests
{
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 12, 2, 8, 0));
    private readonly InMemoryStateStore _store;
    private readonly ListRepository _repository;
    private readonly ListSnapshots _snapshots;

    public ListSnapshotsTests()
    {
        _store = new InMemoryStateStore(Options.Create(new StoreOptions()), _clock);
        _repository = new ListRepository(_store);
        _snapshots = new ListSnapshots(_repository, NullLogger<ListSnapshots>.Instance);
    }

    [Fact]
    public async Task A_store_restored_to_an_older_version_is_followed_not_outvoted_by_the_cache()
    {
        await EditAsync(basedOn: 0, reason: "first");
        await EditAsync(basedOn: 1, reason: "second");
        Assert.Equal(2, (await _snapshots.CurrentAsync()).Version);

        // A restore to a backup taken at v1: the current pointer goes back, v2 is gone.
        await _store.CommitAsync([], [new StoreWrite(new StoreKey("publication-list", "current"), "1")]);
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
        Assert.Equal(2, (await _snapshots.CurrentAsync()).Version);
        Assert.Equal(2, _snapshots.Cached.Version);
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
