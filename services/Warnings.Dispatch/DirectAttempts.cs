using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Warnings.Dispatch;

/// <summary>
/// The fan-out's attempts that outlived their message (slow ones, handed off while still at the
/// gateway). A graceful stop waits for them after the bus has stopped (at most
/// <see cref="MaxWait"/>), so a deploy does not leave a gateway's answer unrecorded: that would make
/// the handed-off copy call the gateway again once the claim ran out.
/// </summary>
public sealed class DirectAttempts(ILogger<DirectAttempts> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Keeps track of <paramref name="attempt"/> until it ends.</summary>
    public void Track(Task attempt)
    {
        if (attempt.IsCompleted || !_running.TryAdd(attempt, 0))
        {
            return;
        }

        attempt.ContinueWith(static (done, running) => ((ConcurrentDictionary<Task, byte>)running!).TryRemove(done, out _), _running,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        var pending = _running.Keys.ToArray();
        if (pending.Length == 0)
        {
            return;
        }

        logger.LogInformation("Waiting for {Count} gateway calls still under way", pending.Length);
        var all = Task.WhenAll(pending);
        if (await Task.WhenAny(all, Task.Delay(MaxWait, cancellationToken)) != all)
        {
            logger.LogWarning("{Count} gateway calls still under way at exit: their handed-off copies retry them with the same Idempotency-Key", _running.Count);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
