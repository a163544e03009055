using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Warnings.Core.Hosting;

namespace Warnings.Core.Tests.Hosting;

public class WarmUpTests
{
    private sealed class Step(string name, Func<Task> run) : IWarmUpStep
    {
        public int Runs;

        public string Name => name;

        public Task RunAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Runs);
            return run();
        }
    }

    private static async Task<HealthStatus> ReadinessAsync(WarmUp warmUp) => (await warmUp.CheckHealthAsync(new HealthCheckContext())).Status;

    [Fact]
    public async Task Readiness_waits_for_every_step_and_each_runs_enough_times_to_be_compiled()
    {
        var release = new TaskCompletionSource();
        var slow = new Step("slow", () => release.Task);
        var quick = new Step("quick", () => Task.CompletedTask);
        var warmUp = new WarmUp([slow, quick], NullLogger<WarmUp>.Instance);

        await warmUp.StartAsync(CancellationToken.None);
        Assert.Equal(HealthStatus.Unhealthy, await ReadinessAsync(warmUp));

        release.SetResult();
        await warmUp.Done.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HealthStatus.Healthy, await ReadinessAsync(warmUp));
        Assert.Equal((WarmUp.Rounds, WarmUp.Rounds), (slow.Runs, quick.Runs));
        await warmUp.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_step_that_fails_is_skipped_and_the_instance_is_ready_without_it()
    {
        var broken = new Step("broken", () => throw new InvalidOperationException("no key"));
        var quick = new Step("quick", () => Task.CompletedTask);
        var warmUp = new WarmUp([broken, quick], NullLogger<WarmUp>.Instance);

        await warmUp.StartAsync(CancellationToken.None);
        await warmUp.Done.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HealthStatus.Healthy, await ReadinessAsync(warmUp));
        Assert.Equal((1, WarmUp.Rounds), (broken.Runs, quick.Runs));
        await warmUp.StopAsync(CancellationToken.None);
    }
}
