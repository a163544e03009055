using System.Globalization;
using StackExchange.Redis;
using Warnings.Core.Commands;

namespace Warnings.Chaos;

/// <summary>
/// relay-takeover: a second instance of the same platform beside the first, and the one that holds
/// the outbox relay lease is SIGSTOPped for longer than the lease, so the other takes it over and
/// relays; SIGCONTed under load, the paused one wakes up where the pause caught it, believing it still
/// relays. Its protections (a lease unconfirmed for more than half its time is asked for again before
/// the next batch; the removal of an outbox head it published is fenced; the renewal that finds the
/// lease gone stops the drain) must then leave nothing lost and nothing duplicated, here on the real
/// broker and store (<c>OutboxRelayLeaseTests</c> has them in memory). A pause in the few milliseconds
/// of a publish, the fence's case, is rare with a SIGSTOP at a moment of the harness's choosing.
/// </summary>
public static class RelayTakeover
{
    // Over three times the 3 s lease: the other instance, asking every second, has taken over well before SIGCONT.
    private static readonly TimeSpan Freeze = TimeSpan.FromSeconds(10);

    // Past the lease's expiry and the other's next ask, so the holder read then shows the takeover.
    private static readonly TimeSpan LeaseReadDuringFreeze = TimeSpan.FromSeconds(6);

    // Under load the resumed instance is nudged by new commits at once, so it finds out about its lost lease now, not when idle.
    private static readonly TimeSpan LoadAfterResume = TimeSpan.FromSeconds(5);

    // What OutboxRelay logs when it finds it lost its lease (a renewal refused; its fenced removal
    // refused; a lapsed lease not granted again before a batch). Counted per instance for the log only:
    // which of them fires depends on where the pause caught the relay.
    private static readonly string[] LeaseLossWarnings = ["lost its lease", "outbox head changed", "stops relaying until it holds the lease again"];

    // What it logs when a store or broker call failed instead: a resumed process's Redis client first
    // fails the commands the pause timed out and reconnects, which can end the drain before the checks
    // above are reached (the relay then asks for the lease as any non-holder does), or, after YieldAfter
    // without a publish, gives up a lease it still holds or finds it no longer holds (the release checks the owner).
    private static readonly string[] OtherRelayWarnings = ["Outbox relay could not publish", "its lease is freed", "its lease had already lapsed"];

    public static async Task InjectAsync(ScenarioContext c, TimeSpan loadBeforeFault)
    {
        var second = await c.StartAnotherInstanceAsync("b");
        PlatformProcess[] instances = [c.Platform, second];
        await using var lease = await RelayLeaseReader.ConnectAsync(c.RedisPort, c.Platform.KeyPrefix);
        await ScenarioContext.KeepLoadAsync(loadBeforeFault);

        var holder = await lease.WaitForHolderAsync(instances, TimeSpan.FromSeconds(10));
        c.Log($"relay lease held by {holder.Name} (pid {holder.Pid}); events relayed so far: {await RelayedAsync(instances)}");
        var freeze = c.FreezeAsync(holder, Freeze);
        try
        {
            await Task.Delay(LeaseReadDuringFreeze);
            var holderDuringFreeze = await lease.HolderAsync(instances);
            c.Log($"{LeaseReadDuringFreeze.TotalSeconds:0} s into the freeze the lease is held by {await lease.DescribeHolderAsync(instances)}");
            if (holderDuringFreeze is null || holderDuringFreeze == holder)
            {
                // Not a loss by itself (nothing is lost if nobody relays for a while), but the run then did not test what it is for.
                c.Note("relay-takeover: no other instance took the lease during the freeze; the paused relay's checks went untested");
            }
        }
        finally
        {
            await freeze; // never leave the SIGCONT running after the scenario, against a process disposal may kill
        }

        await ScenarioContext.KeepLoadAsync(LoadAfterResume);
        c.Log($"{LoadAfterResume.TotalSeconds:0} s after SIGCONT the lease is held by {await lease.DescribeHolderAsync(instances)}; events relayed: {await RelayedAsync(instances)}");
        await c.StopInstanceAsync(second);
        foreach (var instance in instances)
        {
            c.Log($"{instance.Name}'s log: {CountLines(instance.LogPath, LeaseLossWarnings)}; besides: {CountLines(instance.LogPath, OtherRelayWarnings)}");
        }
    }

    private static async Task<string> RelayedAsync(IEnumerable<PlatformProcess> instances)
    {
        var counts = new List<string>();
        foreach (var instance in instances)
        {
            counts.Add($"{instance.Name} {(await instance.RelayedEventsAsync() is { } n ? n.ToString(CultureInfo.InvariantCulture) : "not answering")}");
        }

        return string.Join(", ", counts);
    }

    private static string CountLines(string logPath, IEnumerable<string> warnings)
    {
        var lines = File.ReadAllLines(logPath);
        return string.Join(", ", warnings.Select(warning => $"'{warning}' {lines.Count(line => line.Contains(warning, StringComparison.Ordinal))}x"));
    }
}

/// <summary>Who holds the outbox relay lease, read from Redis as the relays themselves read it.</summary>
public sealed class RelayLeaseReader(ConnectionMultiplexer redis, string keyPrefix) : IAsyncDisposable
{
    public static async Task<RelayLeaseReader> ConnectAsync(int redisPort, string keyPrefix) =>
        new(await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redisPort}"), keyPrefix);

    /// <summary>The lease's value: the holding relay's owner string, <c>{machine}-{pid}-{guid}</c>; null while nobody holds it.</summary>
    public async Task<string?> OwnerAsync() => await redis.GetDatabase().StringGetAsync(Outbox.RelayLease.Render(keyPrefix));

    /// <summary>Which of <paramref name="instances"/> holds the lease (by the pid in the owner string), or null.</summary>
    public async Task<PlatformProcess?> HolderAsync(IEnumerable<PlatformProcess> instances)
    {
        return await OwnerAsync() is { } owner && Outbox.RelayOwnerProcessId(owner) is { } pid
            ? instances.FirstOrDefault(i => i.Pid == pid)
            : null;
    }

    public async Task<string> DescribeHolderAsync(IEnumerable<PlatformProcess> instances) =>
        await HolderAsync(instances) is { } holder ? $"{holder.Name} (pid {holder.Pid})" : $"none of the instances (owner '{await OwnerAsync() ?? "nobody"}')";

    /// <summary>Polls (the lease is renewed every second, so a moment with no holder passes) until one of <paramref name="instances"/> holds it.</summary>
    public async Task<PlatformProcess> WaitForHolderAsync(IReadOnlyList<PlatformProcess> instances, TimeSpan timeout)
    {
        PlatformProcess? holder = null;
        try
        {
            await ChildProcesses.WaitUntilAsync(async () => (holder = await HolderAsync(instances)) is not null, timeout,
                $"one of {string.Join(", ", instances.Select(i => $"{i.Name} (pid {i.Pid})"))} to hold the relay lease");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Its owner: '{await OwnerAsync() ?? "nobody"}'.", e);
        }

        return holder!;
    }

    public async ValueTask DisposeAsync() => await redis.DisposeAsync();
}
