using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using Warnings.Core.Storage;

namespace Warnings.Core.Hosting;

/// <summary>
/// One piece of a module's hot path run once before the instance says it is ready, so that the first
/// warnings after a start do not pay for compiling it (the JIT's first, unoptimised pass, and the
/// lazily built parts: scripts, clients, keys). A step must have no effect anyone can see: no
/// message any module's consumer or another process receives, no call to a gateway, nothing stored
/// that outlives a few seconds.
/// </summary>
public interface IWarmUpStep
{
    string Name { get; }

    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Runs every module's <see cref="IWarmUpStep"/> a few times at start (enough for the JIT to compile
/// them, some to their optimised tier) and holds readiness (<c>/readyz</c>, gRPC health) until they
/// are done. Never holds it for long: a step that fails is logged and skipped, and after
/// <see cref="Limit"/> the instance is ready whatever is left.
/// </summary>
public sealed class WarmUp(IEnumerable<IWarmUpStep> steps, ILogger<WarmUp> logger) : BackgroundService, IHealthCheck
{
    /// <summary>How many times each step runs (the JIT promotes a method called 30 times to its optimised tier).</summary>
    public const int Rounds = 32;

    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the warm-up has finished (or given up).</summary>
    public Task Done => _done.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        limit.CancelAfter(Limit);
        try
        {
            var took = new List<string>();
            foreach (var step in steps)
            {
                var stepStarted = Stopwatch.GetTimestamp();
                int rounds = 0;
                try
                {
                    for (; rounds < Rounds && !limit.IsCancellationRequested; rounds++)
                    {
                        await step.RunAsync(limit.Token);
                    }

                    took.Add($"{step.Name} {Stopwatch.GetElapsedTime(stepStarted).TotalMilliseconds:0} ms{(rounds < Rounds ? $" ({rounds} of {Rounds} rounds)" : "")}");
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // A warm-up is an optimisation: the instance serves without it.
                    logger.LogWarning("Warm-up step {Step} did not finish ({Error}); ready without it", step.Name, e.Message);
                }
            }

            logger.LogInformation("Warmed up in {Elapsed:0} ms ({Steps})", Stopwatch.GetElapsedTime(started).TotalMilliseconds, string.Join(", ", took));
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_done.Task.IsCompleted ? HealthCheckResult.Healthy("warmed up") : HealthCheckResult.Unhealthy("warming up"));
}

/// <summary>
/// The store's scripts (claim, conditional commit, complete with a record) on keys of its own, deleted
/// at the end of each round (and set to expire within seconds, should the process die mid-round).
/// </summary>
public sealed class StoreWarmUp(IStateStore store, IClock clock) : IWarmUpStep
{
    private static readonly Duration Short = Duration.FromSeconds(5);

    public string Name => "store";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string id = $"{Environment.ProcessId}-{Guid.NewGuid():N}";
        var done = new StoreKey("warm-up", id);
        var record = new StoreKey("warm-up-record", id);
        try
        {
            await store.SetAsync(record, "before", Short);
            await store.ClaimManyOnceAsync([new OnceRequest(done, record)], id, Short); // as dispatch claims: with its record
            await store.CommitAsync([new StoreCondition(record, "other")], [new StoreWrite(record, "never")]); // refused: writes nothing
            await store.CompleteManyOnceAsync([new OnceCompletion(done, clock.GetCurrentInstant().ToString(), Short, [new StoreCondition(record, "before")], [new StoreWrite(record, "after")])]); // as dispatch completes
            await store.GetAsync(record);
        }
        finally
        {
            await store.DeleteAsync(record);
            await store.DeleteAsync(done);
        }
    }
}

/// <summary>A warning as the warm-up steps render it: never stored, never sent.</summary>
public static class WarmUpSample
{
    public static Contracts.Events.PublishedWarningVersion Warning(Instant now, IReadOnlyList<string> channels) => new(
        "w-warm-up", 1, "Alert", [], "warm-up", "typhoon", "red", ["310101", "310104"], now, now + Duration.FromHours(6), channels,
        [
            new("zh-CN", "台风红色预警（预热）", "预热用的样例，不会发布。", "留在室内。"),
            new("en-US", "Typhoon red warning (warm-up)", "A sample used to warm up; never published.", "Stay indoors."),
        ],
        "12121", ["shelter"], 1, false, now, "warm-up",
        Polygons: [new([new(31.2, 121.4), new(31.3, 121.5), new(31.2, 121.5), new(31.2, 121.4)])]);
}
