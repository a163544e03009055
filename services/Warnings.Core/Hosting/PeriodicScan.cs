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
