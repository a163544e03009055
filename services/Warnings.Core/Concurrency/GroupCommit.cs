using System.Threading.Channels;

namespace Warnings.Core.Concurrency;

/// <summary>
/// Group commit: callers hand in one item each and wait; one loop takes every item waiting at that
/// moment (up to <paramref name="maxBatch"/>) and commits them together with <paramref name="commit"/>,
/// which answers one result per item, in order. Each caller gets its own item's result, or the
/// batch's exception (a commit that must fail items one by one answers that in its results), so a
/// caller returns only once its item is committed, as if alone (a caller that stops waiting leaves
/// its item to be committed all the same): the store
/// sees one round trip per batch instead of one per caller, and batches grow with the load by
/// themselves (at a low rate each is one item, with no added wait).
/// With <paramref name="alone"/>, a batch whose commit fails is taken again one item at a time, so
/// one item that cannot be committed fails alone and not the items waiting with it; unless the
/// failure is transient (the store or broker is away): then every item would fail the same way,
/// and the batch fails whole.
/// </summary>
public sealed class GroupCommit<TItem, TResult>(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> commit, int maxBatch, Func<TItem, Task<TResult>>? alone = null)
{
    private readonly Channel<(TItem Item, TaskCompletionSource<TResult> Done)> _pending =
        Channel.CreateUnbounded<(TItem, TaskCompletionSource<TResult>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly object _startGate = new();
    private Task? _loop;

    /// <summary>Commits <paramref name="item"/> with whatever else is waiting; its result once committed.</summary>
    public Task<TResult> CommitAsync(TItem item, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending.Writer.TryWrite((item, done));
        if (Volatile.Read(ref _loop) is null)
        {
            lock (_startGate)
            {
                _loop ??= Task.Run(LoopAsync);
            }
        }

        return done.Task.WaitAsync(cancellationToken);
    }

    private async Task LoopAsync()
    {
        var batch = new List<(TItem Item, TaskCompletionSource<TResult> Done)>(maxBatch);
        while (await _pending.Reader.WaitToReadAsync())
        {
            while (batch.Count < maxBatch && _pending.Reader.TryRead(out var waiting))
            {
                batch.Add(waiting);
            }

            try
            {
                var results = await commit(batch.Select(b => b.Item).ToList());
                if (results.Count != batch.Count)
                {
                    throw new InvalidOperationException($"A group commit answered {results.Count} results for {batch.Count} items.");
                }

                for (int i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception e) when (alone is not null && batch.Count > 1 && !Resilience.TransientFailures.IsTransient(e))
            {
                foreach (var (item, done) in batch)
                {
                    try
                    {
                        done.TrySetResult(await alone(item));
                    }
                    catch (Exception itsOwn)
                    {
                        done.TrySetException(itsOwn);
                    }
                }
            }
            catch (Exception e)
            {
                foreach (var (_, done) in batch)
                {
                    done.TrySetException(e);
                }
            }

            batch.Clear();
        }
    }
}
