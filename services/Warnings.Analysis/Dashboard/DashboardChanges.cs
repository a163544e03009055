using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warnings.Analysis.Projections;
using Warnings.Core.Identity;
using Warnings.Core.Storage;

namespace Warnings.Analysis.Dashboard;

/// <summary>
/// Tells this process's open dashboards that a projection changed (in any process: the store's
/// nudge). Waiters get a change counter; a burst of changes wakes them once. A revoked display
/// session wakes them too, without a change, so each stream checks its session again at once.
/// </summary>
public sealed class DashboardChanges(IStateStore store, ILogger<DashboardChanges> logger) : BackgroundService
{
    private TaskCompletionSource<long> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version;

    public long Version => Interlocked.Read(ref _version);

    /// <summary>Completes with the new counter at the next change after <paramref name="seen"/>, or with the current one after <paramref name="timeout"/>.</summary>
    public async Task<long> WaitAsync(long seen, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var next = _next.Task;
        if (Version != seen)
        {
            return Version;
        }

        try
        {
            return await next.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return Version;
        }
    }

    private void Wake(long version) =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(version);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.SubscribeAsync(ProjectionStore.NudgeChannel, _ => Wake(Interlocked.Increment(ref _version)));
                await store.SubscribeAsync(DisplaySessions.RevokedChannel, _ => Wake(Version));
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Cannot subscribe to projection changes yet; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }
}
