using Warnings.Core.Concurrency;
using Warnings.Testing;

namespace Warnings.Core.Tests.Concurrency;

/// <summary>
/// Group commit: the items waiting together are committed in one call of at most the batch size, each
/// caller gets its own item's result, and a failed batch fails its own callers and no others.
/// </summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task Items_waiting_together_are_committed_in_one_call_and_each_caller_gets_its_own_result()
    {
        var batches = new List<IReadOnlyList<int>>();
        var gate = new TaskCompletionSource();
        var group = new GroupCommit<int, string>(async items =>
        {
            lock (batches)
            {
                batches.Add(items);
            }

            await gate.Task; // the first batch holds the loop while the others queue up
            return items.Select(i => $"done {i}").ToList();
        }, maxBatch: 4);

        var first = group.CommitAsync(0);
        await Eventually.Until(() => Task.FromResult(batches.Count), n => n == 1, "the first batch started");
        var waiting = Enumerable.Range(1, 6).Select(i => group.CommitAsync(i)).ToList();
        gate.SetResult();

        Assert.Equal("done 0", await first);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"done {i}"), await Task.WhenAll(waiting));
        Assert.Equal([[0], [1, 2, 3, 4], [5, 6]], batches.Select(b => b.ToArray()));
    }

    [Fact]
    public async Task A_failed_batch_fails_its_own_callers_and_the_next_batch_still_commits()
    {
        var group = new GroupCommit<int, int>(items =>
            items.Contains(13) ? throw new InvalidOperationException("unlucky") : Task.FromResult<IReadOnlyList<int>>(items.Select(i => i * 2).ToList()), maxBatch: 8);

        await Assert.ThrowsAsync<InvalidOperationException>(() => group.CommitAsync(13));
        Assert.Equal(4, await group.CommitAsync(2));
    }

    [Fact]
    public async Task A_commit_that_answers_fewer_results_than_items_fails_them_all_rather_than_some()
    {
        var group = new GroupCommit<int, int>(_ => Task.FromResult<IReadOnlyList<int>>([1]), maxBatch: 8);
        var gate = new TaskCompletionSource();
        var held = new GroupCommit<int, int>(async items =>
        {
            await gate.Task;
            return items.Take(1).ToList();
        }, maxBatch: 8);

        var first = held.CommitAsync(0);
        var second = held.CommitAsync(1);
        var third = held.CommitAsync(2);
        gate.SetResult();

        Assert.Equal(1, await group.CommitAsync(7));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Task.WhenAll(second, third));
        Assert.True(second.IsFaulted && third.IsFaulted);
        _ = first; // alone in its batch, or with the others: either way no caller gets another's result
    }

    [Fact]
    public async Task With_a_commit_alone_a_failed_batch_is_taken_again_one_item_at_a_time_unless_the_store_is_away()
    {
        var gate = new TaskCompletionSource();
        bool away = false;
        async Task<IReadOnlyList<int>> Together(IReadOnlyList<int> items)
        {
            await gate.Task; // the first batch holds the loop while the others queue up
            return away ? throw new TimeoutException("the store is away")
                : items.Contains(13) ? throw new InvalidOperationException("unlucky") : items.Select(i => i * 2).ToList();
        }

        var group = new GroupCommit<int, int>(Together, maxBatch: 8, alone: async i => (await Together([i]))[0]);

        var first = group.CommitAsync(1);
        var waiting = new[] { 2, 13, 3 }.Select(i => group.CommitAsync(i)).ToList();
        gate.SetResult();

        Assert.Equal(2, await first);
        Assert.Equal(4, await waiting[0]);
        Assert.Equal("unlucky", (await Assert.ThrowsAsync<InvalidOperationException>(() => waiting[1])).Message);
        Assert.Equal(6, await waiting[2]);

        away = true; // a transient failure: every item would fail the same way, so the batch fails whole
        var both = new[] { group.CommitAsync(4), group.CommitAsync(5) };
        foreach (var one in both)
        {
            await Assert.ThrowsAsync<TimeoutException>(() => one);
        }
    }
}
