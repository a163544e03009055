using System.Diagnostics;
using Warnings.Testing;

namespace Warnings.Chaos;

/// <summary>A named fault injected into a running scenario (between warm-up and the final load).</summary>
public sealed record ChaosScenario(string Name, string Description, Func<ScenarioContext, Task> InjectAsync);

/// <summary>
/// What a fault can do to the running scenario; records every platform kill and every recovery.
/// Other instances of the platform it starts (<paramref name="anotherInstance"/> makes one, named by a
/// suffix) are SIGKILLed when it is disposed, if the scenario did not stop them itself.
/// </summary>
public sealed class ScenarioContext(PlatformProcess platform, Func<string, PlatformProcess> anotherInstance, IChaosInfrastructure infrastructure, TestGateway gateway, Action<string> log)
    : IAsyncDisposable
{
    private readonly List<PlatformProcess> _otherInstances = [];
    private readonly List<long> _platformStops = [];
    private readonly List<string> _notes = [];
    private readonly List<long> _recoveries = [];
    private readonly List<long> _faults = [];

    /// <summary>
    /// When the platform, or another instance of it, was stopped mid-work (SIGKILL, or SIGSTOP for a
    /// freeze): a POST just before may never have been recorded.
    /// </summary>
    public IReadOnlyList<long> PlatformStops => _platformStops;

    /// <summary>When anything was killed: the platform, Redis or the broker.</summary>
    public IReadOnlyList<long> Faults => _faults;

    /// <summary>When the platform answered /readyz again, or the broker or Redis accepted connections again.</summary>
    public IReadOnlyList<long> Recoveries => _recoveries;

    public Action<string> Log => log;

    /// <summary>What the scenario found worth showing in the results table's notes (not a loss by itself).</summary>
    public IReadOnlyList<string> Notes => _notes;

    public void Note(string note)
    {
        _notes.Add(note);
        log(note);
    }

    /// <summary>The instance the load calls.</summary>
    public PlatformProcess Platform => platform;

    public int RedisPort => infrastructure.RedisPort;

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

    public Task FreezePlatformAsync(TimeSpan pause) => FreezeAsync(platform, pause);

    /// <summary>SIGSTOP <paramref name="instance"/> for <paramref name="pause"/>, SIGCONT, and wait until it is ready again.</summary>
    public async Task FreezeAsync(PlatformProcess instance, TimeSpan pause)
    {
        _platformStops.Add(await instance.FreezeAsync(pause));
        _faults.Add(_platformStops[^1]);
        log($"{instance.Name} SIGSTOPped for {pause.TotalSeconds:0} s, then SIGCONTed");
        await Eventually.Until(instance.ReadyAsync, ready => ready, $"{instance.Name} ready again after the freeze", TimeSpan.FromSeconds(60));
        _recoveries.Add(Stopwatch.GetTimestamp());
        log($"{instance.Name} ready again");
    }

    /// <summary>
    /// Starts another instance of the same platform beside the one the load calls (same vhost, key
    /// prefix, gateways and keys; every module, its relay too) and waits for its /readyz.
    /// </summary>
    public async Task<PlatformProcess> StartAnotherInstanceAsync(string suffix)
    {
        var instance = anotherInstance(suffix);
        _otherInstances.Add(instance);
        long started = Stopwatch.GetTimestamp();
        await instance.StartAsync();
        log($"{instance.Name} (pid {instance.Pid}) ready after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s; log {instance.LogPath}");
        return instance;
    }

    /// <summary>Stops another instance gracefully (SIGTERM; SIGKILL if it has not exited within a minute).</summary>
    public async Task StopInstanceAsync(PlatformProcess instance)
    {
        long asked = Stopwatch.GetTimestamp();
        // Longer than the host's own 45 s shutdown timeout: a graceful stop that runs out of it still exits by itself.
        int? exitCode = await instance.StopAsync(TimeSpan.FromSeconds(60));
        log(exitCode is { } code
            ? $"{instance.Name} stopped (SIGTERM) after {Stopwatch.GetElapsedTime(asked).TotalSeconds:0.0} s, exit code {code}"
            : $"{instance.Name} had not exited a minute after SIGTERM: SIGKILLed");
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

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _otherInstances)
        {
            await instance.DisposeAsync();
        }
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
        new("relay-takeover", "start a second instance of the platform; SIGSTOP whichever holds the relay lease for 10 s under load (the other takes it over), SIGCONT, more load, SIGTERM the second",
            c => RelayTakeover.InjectAsync(c, MidLoad)),
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
