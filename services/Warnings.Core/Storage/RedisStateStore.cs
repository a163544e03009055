using Microsoft.Extensions.Options;
using NodaTime;
using StackExchange.Redis;

namespace Warnings.Core.Storage;

/// <summary>
/// The production store. Uses the one shared <see cref="IConnectionMultiplexer"/> of the process;
/// multi-step operations run as Lua scripts so each is one atomic step in Redis.
/// </summary>
public sealed class RedisStateStore(IConnectionMultiplexer redis, IOptions<StoreOptions> options) : IStateStore
{
    // HSETNX, then the expiry when one is given: one atomic step, so a hash never outlives its TTL.
    private const string HashSetIfAbsentScript = """
        local added = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
        if ARGV[3] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
        return added
        """;

    private readonly string _prefix = options.Value.KeyPrefix;

    private IDatabase Db => redis.GetDatabase();

    public string Kind => "Redis";

    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return false;
        }

        try
        {
            await Db.PingAsync().WaitAsync(cancellationToken);
            return true;
        }
        catch (RedisException)
        {
            return false;
        }
    }

    public async Task<string?> GetAsync(StoreKey key) => await Db.StringGetAsync(Render(key));

    public Task SetAsync(StoreKey key, string value, Duration? expiry = null) =>
        expiry is { } d ? Db.StringSetAsync(Render(key), value, d.ToTimeSpan()) : Db.StringSetAsync(Render(key), value);

    public Task<bool> DeleteAsync(StoreKey key) => Db.KeyDeleteAsync(Render(key));

    public async Task<bool> HashSetIfAbsentAsync(StoreKey key, string field, string value, Duration? expiry = null)
    {
        string ttl = expiry is { } d ? ((long)d.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        var added = await Db.ScriptEvaluateAsync(HashSetIfAbsentScript, [Render(key)], [field, value, ttl]);
        return (long)added == 1;
    }

    public async Task<IReadOnlyDictionary<string, string>> HashGetAllAsync(StoreKey key)
    {
        var entries = await Db.HashGetAllAsync(Render(key));
        return entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
    }

    private RedisKey Render(StoreKey key) => key.Render(_prefix);
}
