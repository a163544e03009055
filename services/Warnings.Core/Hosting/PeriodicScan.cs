using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Warnings.Core.Hosting;

/// <summary>
/// A background job that compares stored state with the clock at a fixed interval (expiries, overdue
/// reports). A failed scan is logged and the next one retries; the scan itself decides, by injected
/// <c>IClock</c>, what is due, so a FakeClock drives it in tests.
/// </summary>
public abstract class PeriodicScan(TimeSpan interval, ILogger logger) : BackgroundService
{
    /// <summary>One pass: act on everything due now.</summary>
    public abstract Task ScanAsync();

    /// <summary>Work to finish before the instance serves (a one-time migration of what the scan reads); retried by the scans if it fails.</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PrepareAsync().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("{Scan} could not prepare at start ({Error}); its scans will", GetType().Name, e.Message);
        }

        await base.StartAsync(cancellationToken);
    }

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ScanAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "{Scan} failed; the next scan retries", GetType().Name);
            }
        }
    }
}
