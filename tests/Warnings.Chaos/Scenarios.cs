using System.Diagnostics;
using Warnings.Testing;

namespace Warnings.Chaos;

/// <summary>A named fault injected into a running scenario (between warm-up and the final load).</summary>
public sealed record ChaosScenario(string Name, string Description, Func<ScenarioContext, Task> InjectAsync);

/// <summary>What a fault can do to the running scenario; records every platform kill and every recovery.</summary>
public sealed class ScenarioContext(PlatformProcess platform, IChaosInfrastructure infrastructure, TestGateway gateway, Action<string> log)
{
    private readonly List<long> _platformStops = [];
    private readonly List<long> _recoveries = [];
    private readonly List<long> _faults = [];

    /// <summary>When the platform was stopped mid-work (SIGKILL, or SIGSTOP for a freeze): a POST just before may never have been recorded.</summary>
    public IReadOnlyList<long> PlatformStops => _platformStops;

    /// <summary>When anything was killed: the platform, Redis or the broker.</summary>
    public IReadOnlyList<long> Faults => _faults;

    /// <summary>When the platform answered /readyz again, or the broker or Redis accepted connections again.</summary>
    public IReadOnlyList<long> Recoveries => _recoveries;

    public Action<string> Log => log;

    public static Task KeepLoadAsync(TimeSpan duration) => Task.Delay(duration);

    public async Task KillPlatformAsync()
    {
        _platformStops.Add(await platform.KillAsync());
        _faults.Add(_platformStops[^1]);
        log("platform SIGKILLed");
    }

    public async Task RestartPlatformAsync()
    {
        long started = Stopwatch.GetTimestamp();
        _recoveries.Add(await platform.StartAsync());
        log($"platform ready again after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
    }

    public async Task FreezePlatformAsync(TimeSpan pause)
    {
        _platformStops.Add(await platform.FreezeAsync(pause));
        _faults.Add(_platformStops[^1]);
        log($"platform SIGSTOPped for {pause.TotalSeconds:0} s, then SIGCONTed");
        await Eventually.Until(platform.ReadyAsync, ready => ready, "the platform ready again after the freeze", TimeSpan.FromSeconds(60));
        _recoveries.Add(Stopwatch.GetTimestamp());
        log("platform ready again");
    }

    public async Task KillRedisAsync()
    {
        _faults.Add(Stopwatch.GetTimestamp());
        await infrastructure.KillRedisAsync();
        log("redis SIGKILLed");
    }

    public async Task RestartRedisAsync()
    {
        _recoveries.Add(await infrastructure.RestartRedisAsync());
        log("redis answering again");
    }

    public async Task KillRabbitMqAsync()
    {
        _faults.Add(Stopwatch.GetTimestamp());
        await infrastructure.KillRabbitMqAsync();
        log("rabbitmq node SIGKILLed");
    }

    public async Task RestartRabbitMqAsync()
    {
        _recoveries.Add(await infrastructure.RestartRabbitMqAsync());
        log("rabbitmq accepting connections again");
    }

    /// <summary>
    /// Polls until the gateway received a POST after <paramref name="since"/> (a Stopwatch timestamp).
    /// None in time is logged, not thrown: the scenario goes on and the first-delivery column shows it.
    /// </summary>
    public async Task WaitForDeliveryAfterAsync(long since, TimeSpan timeout)
    {
        try
        {
            await Eventually.Until(() => Task.FromResult(gateway.Requests.Any(r => r.ReceivedAtTicks >= since)), any => any, "a delivery after the recovery", timeout);
        }
        catch (TimeoutException)
        {
            log($"no delivery within {timeout.TotalSeconds:0} s of the recovery; going on");
        }
    }
}

/// <summary>The scenarios, in the order a full run takes them.</summary>
public static class Scenarios
{
    private static readonly TimeSpan MidLoad = TimeSpan.FromSeconds(5);

    public static readonly IReadOnlyList<ChaosScenario> All =
    [
        new("platform-kill", "SIGKILL the platform mid-load, start it, SIGKILL it again during the post-restart backlog, start it", async c =>
        {
            await ScenarioContext.KeepLoadAsync(MidLoad);
            await c.KillPlatformAsync();
            await c.RestartPlatformAsync();
            // The backlog: what piled up while it was down is being delivered once the first POST arrives.
            await c.WaitForDeliveryAfterAsync(c.Recoveries[^1], TimeSpan.FromSeconds(60));
            await c.KillPlatformAsync();
            await c.RestartPlatformAsync();
        }),
        new("platform-freeze", "SIGSTOP the platform for 10 s under load (its 3 s relay lease lapses, its 30 s delivery claims do not), then SIGCONT", async c =>
        {
            await ScenarioContext.KeepLoadAsync(MidLoad);
            await c.FreezePlatformAsync(TimeSpan.FromSeconds(10));
        }),
        new("broker-restart", "SIGKILL the RabbitMQ node for 30 s under load, then start it", c => BrokerDownAsync(c, TimeSpan.FromSeconds(30))),
        new("redis-5s", "SIGKILL Redis for 5 s under load, then start it (AOF keeps the data)", c => RedisDownAsync(c, TimeSpan.FromSeconds(5))),
        new("redis-60s", "SIGKILL Redis for 60 s under load, then start it (AOF keeps the data)", c => RedisDownAsync(c, TimeSpan.FromSeconds(60))),
    ];

    /// <summary>The short run inside the test suite: one platform kill, one Redis kill.</summary>
    public static readonly ChaosScenario Quick = new("quick", "SIGKILL the platform once, then Redis for 3 s", async c =>
    {
        await ScenarioContext.KeepLoadAsync(TimeSpan.FromSeconds(3));
        await c.KillPlatformAsync();
        await c.RestartPlatformAsync();
        await c.WaitForDeliveryAfterAsync(c.Recoveries[^1], TimeSpan.FromSeconds(30));
        await RedisDownAsync(c, TimeSpan.FromSeconds(3));
    });

    private static async Task RedisDownAsync(ScenarioContext c, TimeSpan down)
    {
        await ScenarioContext.KeepLoadAsync(MidLoad);
        await c.KillRedisAsync();
        await ScenarioContext.KeepLoadAsync(down);
        await c.RestartRedisAsync();
    }

    private static async Task BrokerDownAsync(ScenarioContext c, TimeSpan down)
    {
        await ScenarioContext.KeepLoadAsync(MidLoad);
        await c.KillRabbitMqAsync();
        await ScenarioContext.KeepLoadAsync(down);
        await c.RestartRabbitMqAsync();
    }
}
