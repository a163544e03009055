using Microsoft.Extensions.Options;
using System.Globalization;
using NodaTime;
using NodaTime.Text;
using StackExchange.Redis;

namespace Warnings.Core.Storage;

/// <summary>
/// The production store. Uses the one shared <see cref="IConnectionMultiplexer"/> of the process;
/// multi-step operations run as Lua scripts so each is one atomic step in Redis.
/// </summary>
public sealed partial class RedisStateStore(IConnectionMultiplexer redis, IOptions<StoreOptions> options) : IStateStore
{
    // HSETNX, then the expiry when one is given: one atomic step, so a hash never outlives its TTL.
    private const string HashSetIfAbsentScript = """
        local added = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
        if ARGV[3] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
        return added
        """;

    // Compare the last entry's hash with the expected one and append every entry only if they match:
    // the chain's one atomic step. ARGV: expected hash, then (ms, at, hash, payload) per entry. Ids
    // keep increasing even when the caller's clock is behind the log.
    private const string AppendToLogScript = """
        local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        local lastHash = ''
        local lastMs, lastSeq = -1, -1
        if #last > 0 then
          local fields = last[1][2]
          for i = 1, #fields, 2 do
            if fields[i] == 'hash' then lastHash = fields[i + 1] end
          end
          local id = last[1][1]
          local dash = string.find(id, '-', 1, true)
          lastMs = tonumber(string.sub(id, 1, dash - 1))
          lastSeq = tonumber(string.sub(id, dash + 1))
        end
        if lastHash ~= ARGV[1] then return {0, lastHash} end
        local ids = {1}
        for i = 2, #ARGV, 4 do
          local ms = tonumber(ARGV[i])
          if ms > lastMs then lastMs, lastSeq = ms, 0 else lastSeq = lastSeq + 1 end
          local id = string.format('%.0f-%.0f', lastMs, lastSeq)
          redis.call('XADD', KEYS[1], id, 'at', ARGV[i + 1], 'hash', ARGV[i + 2], 'payload', ARGV[i + 3])
          ids[#ids + 1] = id
        end
        return ids
        """;

    // Once per dedupe id: number the entry from the counter and add it as stream id 0-<number>, so
    // stream order and numbering are the same thing and a repeat returns the first number.
    private const string AppendToSequenceScript = """
        local seen = redis.call('HGET', KEYS[2], ARGV[1])
        if seen then return {0, tonumber(seen)} end
        local seq = redis.call('INCR', KEYS[3])
        redis.call('XADD', KEYS[1], '0-' .. seq, 'p', ARGV[2])
        redis.call('HSET', KEYS[2], ARGV[1], seq)
        return {1, seq}
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

    // MGET in slices, sent together (pipelined): no single command holds Redis up or builds a huge reply.
    public async Task<IReadOnlyList<string?>> GetManyAsync(IReadOnlyList<StoreKey> keys)
    {
        var slices = keys.Select(k => (RedisKey)Render(k)).Chunk(KeysPerRead).Select(slice => Db.StringGetAsync(slice)).ToList();
        var values = new List<string?>(keys.Count);
        foreach (var slice in slices)
        {
            values.AddRange((await slice).Select(v => (string?)v));
        }

        return values;
    }

    private const int KeysPerRead = 500;

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

    public async Task<LogAppendResult> AppendToLogAsync(StoreKey log, string expectedLastHash, IReadOnlyList<LogAppend> entries)
    {
        var arguments = new List<RedisValue>(1 + (4 * entries.Count)) { expectedLastHash };
        foreach (var entry in entries)
        {
            arguments.Add(Math.Max(0, entry.At.ToUnixTimeMilliseconds()));
            arguments.Add(InstantPattern.ExtendedIso.Format(entry.At));
            arguments.Add(entry.Hash);
            arguments.Add(entry.Payload);
        }

        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(AppendToLogScript, [Render(log)], [.. arguments]))!;
        return (long)result[0] == 1
            ? new LogAppendResult(true, result.Skip(1).Select(r => (string)r!).ToList(), entries.Count > 0 ? entries[^1].Hash : expectedLastHash)
            : new LogAppendResult(false, [], (string)result[1]!);
    }

    public async Task<LogEntry?> ReadLastLogEntryAsync(StoreKey log)
    {
        var last = await Db.StreamRangeAsync(Render(log), "-", "+", 1, Order.Descending);
        return last.Length == 0 ? null : ToLogEntry(last[0]);
    }

    public async Task<IReadOnlyList<LogEntry>> ReadLogAsync(StoreKey log, Instant from, Instant to, string? afterId, int count)
    {
        // Stream ids start at 0-0: times before 1970 clamp to it.
        long fromMs = Math.Max(0, from.ToUnixTimeMilliseconds()), toMs = to.ToUnixTimeMilliseconds();
        if (toMs < 0)
        {
            return [];
        }

        string start = afterId is not null && LogIds.Parse(afterId).Ms >= fromMs ? $"({afterId}" : $"{fromMs}-0";
        var entries = await Db.StreamRangeAsync(Render(log), start, toMs.ToString(CultureInfo.InvariantCulture), count);
        return entries.Select(ToLogEntry).ToList();
    }

    public async Task<long> CountAppendedToLogAsync(StoreKey log)
    {
        // XINFO STREAM's entries-added (Redis 7+) counts every XADD, so deletions show as a shortfall.
        if (!await Db.KeyExistsAsync(Render(log)))
        {
            return 0;
        }

        var info = (RedisResult[])(await Db.ExecuteAsync("XINFO", "STREAM", Render(log)))!;
        for (int i = 0; i + 1 < info.Length; i += 2)
        {
            if ((string?)info[i] == "entries-added")
            {
                return (long)info[i + 1];
            }
        }

        throw new NotSupportedException("This Redis does not report entries-added (XINFO STREAM); Redis 7 or later is required.");
    }

    public async Task<SequenceAppendResult> AppendToSequenceAsync(StoreKey stream, string dedupeId, string payload)
    {
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(AppendToSequenceScript,
            [Render(stream), Render(SequenceDedupe(stream)), Render(SequenceCounter(stream))], [dedupeId, payload]))!;
        return new SequenceAppendResult((long)result[1], (long)result[0] == 1);
    }

    public async Task<IReadOnlyList<SequencedEntry>> ReadSequenceAsync(StoreKey stream, long afterSequence, int count)
    {
        var entries = await Db.StreamRangeAsync(Render(stream), $"(0-{Math.Max(0, afterSequence)}", "+", count);
        return entries.Select(e => new SequencedEntry(long.Parse(e.Id.ToString().AsSpan(2), CultureInfo.InvariantCulture), e["p"].ToString())).ToList();
    }

    public async Task<long> LastSequenceAsync(StoreKey stream) => (long?)await Db.StringGetAsync(Render(SequenceCounter(stream))) ?? 0;

    private static StoreKey SequenceDedupe(StoreKey stream) => new($"{stream.Area}-dedupe", stream.Id);

    private static StoreKey SequenceCounter(StoreKey stream) => new($"{stream.Area}-sequence", stream.Id);

    // One script, so one round trip, with the conditions checked where the data is (a MULTI/EXEC
    // transaction with conditions costs WATCH, the reads, then MULTI...EXEC: two round trips and far
    // more client work). Redis runs a script atomically: all the writes or none.
    private static readonly string CommitScript = ConditionsAndWritesLua + ConditionalWritesLua(keyOffset: 0, argOffset: 1) + "return 1";

    public async Task<bool> CommitAsync(IReadOnlyList<StoreCondition> conditions, IReadOnlyList<StoreWrite> writes) =>
        (long)await Db.ScriptEvaluateAsync(CommitScript, ConditionalWriteKeys([], conditions, writes), ConditionalWriteArgs([], conditions, writes)) == 1;

    /// <summary>
    /// Lua functions for the scripts that check conditions and make writes laid out by
    /// <see cref="ConditionalWriteKeys"/> and <see cref="ConditionalWriteArgs"/>: <c>holds</c> answers a
    /// condition, "0" (the key is absent) or "1" + the expected string; <c>write</c> makes a write,
    /// "s" + value (set), "a" + value (append to the list), "z" + due ms + " " + member (schedule) or
    /// "r" + member (unschedule).
    /// </summary>
    private const string ConditionsAndWritesLua = """
        local function holds(key, expected)
          if string.sub(expected, 1, 1) == '0' then return redis.call('EXISTS', key) == 0 end
          return redis.call('GET', key) == string.sub(expected, 2)
        end
        local function write(key, arg)
          local kind = string.sub(arg, 1, 1)
          if kind == 'a' then
            redis.call('RPUSH', key, string.sub(arg, 2))
          elseif kind == 'z' then
            local space = string.find(arg, ' ', 2, true)
            redis.call('ZADD', key, string.sub(arg, 2, space - 1), string.sub(arg, space + 1))
          elseif kind == 'r' then
            redis.call('ZREM', key, string.sub(arg, 2))
          else
            redis.call('SET', key, string.sub(arg, 2))
          end
        end

        """;

    /// <summary>
    /// Lua that checks the conditions and makes the writes after <paramref name="keyOffset"/> keys and
    /// <paramref name="argOffset"/> - 1 arguments of the script's own (ARGV[argOffset] is the condition
    /// count); returns 0 from the script, writing nothing, when a condition fails.
    /// </summary>
    private static string ConditionalWritesLua(int keyOffset, int argOffset) => $"""
        local conditions = tonumber(ARGV[{argOffset}])
        for i = 1, conditions do
          if not holds(KEYS[{keyOffset} + i], ARGV[{argOffset} + i]) then return 0 end
        end
        for i = {keyOffset} + conditions + 1, #KEYS do
          write(KEYS[i], ARGV[{argOffset - keyOffset} + i])
        end

        """;

    private RedisKey[] ConditionalWriteKeys(RedisKey[] own, IReadOnlyList<StoreCondition> conditions, IReadOnlyList<StoreWrite> writes) =>
        [.. own, .. conditions.Select(c => Render(c.Key)), .. writes.Select(w => Render(w.Key))];

    private static RedisValue[] ConditionalWriteArgs(RedisValue[] own, IReadOnlyList<StoreCondition> conditions, IReadOnlyList<StoreWrite> writes) =>
    [
        .. own, conditions.Count,
        .. conditions.Select(c => (RedisValue)(c.Expected is null ? "0" : "1" + c.Expected)),
        .. writes.Select(w => (RedisValue)(w.Kind switch
        {
            StoreWriteKind.Append => "a" + w.Value,
            StoreWriteKind.Schedule => $"z{w.Due.ToUnixTimeMilliseconds()} {w.Value}",
            StoreWriteKind.Unschedule => "r" + w.Value,
            _ => "s" + w.Value,
        })),
    ];

    public async Task<IReadOnlyList<string>> DueAsync(StoreKey schedule, Instant upTo, int count) =>
        (await Db.SortedSetRangeByScoreAsync(Render(schedule), double.NegativeInfinity, upTo.ToUnixTimeMilliseconds(), take: count))
            .Select(m => m.ToString()).ToList();

    // Take the lease if it is free, renew it if we hold it: one atomic step.
    private const string AcquireLeaseScript = """
        local holder = redis.call('GET', KEYS[1])
        if holder == false or holder == ARGV[1] then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 1
        end
        return 0
        """;

    // The head goes only if the list still starts with it (its first and last items where they were).
    private const string RemoveHeadScript = """
        local n = tonumber(ARGV[1])
        if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[2] or redis.call('LINDEX', KEYS[1], n - 1) ~= ARGV[3] then return 0 end
        redis.call('LTRIM', KEYS[1], n, -1)
        return 1
        """;

    private const string ReleaseLeaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    public Task<IReadOnlyList<string>> ListHeadAsync(StoreKey key, int count) => ListRangeAsync(key, 0, count);

    public async Task<IReadOnlyList<string>> ListRangeAsync(StoreKey key, long start, int count) =>
        count <= 0 || start < 0 ? [] : (await Db.ListRangeAsync(Render(key), start, start + count - 1)).Select(v => v.ToString()).ToList();

    public async Task<bool> ListRemoveHeadAsync(StoreKey key, IReadOnlyList<string> head) =>
        head.Count == 0 || (long)await Db.ScriptEvaluateAsync(RemoveHeadScript, [Render(key)], [head.Count, head[0], head[^1]]) == 1;

    public Task<long> ListLengthAsync(StoreKey key) => Db.ListLengthAsync(Render(key));

    public async Task<bool> AcquireLeaseAsync(StoreKey key, string owner, Duration ttl) =>
        (long)await Db.ScriptEvaluateAsync(AcquireLeaseScript, [Render(key)], [owner, (long)ttl.TotalMilliseconds]) == 1;

    public async Task<bool> ReleaseLeaseAsync(StoreKey key, string owner) => (long)await Db.ScriptEvaluateAsync(ReleaseLeaseScript, [Render(key)], [owner]) == 1;

    // Fire and forget, as the interface says a nudge is: no reply to wait for, one continuation fewer
    // on every command and delivery (a lost nudge only delays a listener to its next poll).
    public Task PublishAsync(string channel, string message) =>
        redis.GetSubscriber().PublishAsync(RedisChannel.Literal($"{_prefix}:{channel}"), message, CommandFlags.FireAndForget);

    public Task SubscribeAsync(string channel, Action<string> handler) =>
        redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal($"{_prefix}:{channel}"), (_, message) => handler(message.ToString()));

    private static LogEntry ToLogEntry(StreamEntry entry) => new(
        entry.Id.ToString(),
        InstantPattern.ExtendedIso.Parse(entry["at"].ToString()).Value,
        entry["hash"].ToString(),
        entry["payload"].ToString());
}
