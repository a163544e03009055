using Microsoft.Extensions.Options;
using NodaTime;
using StackExchange.Redis;
using Warnings.Core.Storage;
using Warnings.Testing;

namespace Warnings.Core.Tests.Storage;

/// <summary>The store contract against the real Redis that infra/dev.sh starts, under a throwaway key prefix.</summary>
public sealed class RedisStateStoreTests : StateStoreContract, IAsyncLifetime
{
    private readonly string _prefix = $"wrn-test-{Guid.NewGuid():N}"[..22];
    private readonly ConnectionMultiplexer _redis = ConnectionMultiplexer.Connect($"127.0.0.1:{Backplane.RedisPort},abortConnect=false");

    public RedisStateStoreTests() => Store = new RedisStateStore(_redis, Options.Create(new StoreOptions { KeyPrefix = _prefix }));

    protected override IStateStore Store { get; }

    // Redis keeps its own time: the contract's polling waits for the real expiry.
    protected override void PassTime(Duration elapsed) { }

    [Fact]
    public async Task Keys_carry_the_configured_prefix()
    {
        await Store.SetAsync(new StoreKey("warning", "w-1"), "v");

        Assert.Equal("v", (string?)await _redis.GetDatabase().StringGetAsync($"{_prefix}:warning:w-1"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        var server = _redis.GetServers().First();
        await foreach (var key in server.KeysAsync(pattern: $"{_prefix}:*"))
        {
            await _redis.GetDatabase().KeyDeleteAsync(key);
        }

        await _redis.DisposeAsync();
    }
}
