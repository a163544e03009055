using NodaTime;
using StackExchange.Redis;

namespace Warnings.Core.Storage;

// Once-only tasks (a delivery, a webhook send): claims and completions, each many to a step.
public sealed partial class RedisStateStore
{
    // Per claim three KEYS (done, claim, the key to read: the done key again when none) and one ARGV
    // after owner and lease ('1': read it). Done wins over any claim; a live claim of another owner
    // blocks. Answers three values per claim: outcome, value, read (an absent key: false, i.e. nil).
    private const string ClaimManyOnceScript = """
        local out = {}
        for i = 0, #KEYS / 3 - 1 do
          local done = redis.call('GET', KEYS[3 * i + 1])
          if done then
            out[#out + 1] = 2; out[#out + 1] = done; out[#out + 1] = false
          else
            local holder = redis.call('GET', KEYS[3 * i + 2])
            if holder and holder ~= ARGV[1] then
              out[#out + 1] = 3; out[#out + 1] = holder; out[#out + 1] = false
            else
              redis.call('SET', KEYS[3 * i + 2], ARGV[1], 'PX', ARGV[2])
              local read = false
              if ARGV[3 + i] == '1' then read = redis.call('GET', KEYS[3 * i + 3]) end
              out[#out + 1] = 1; out[#out + 1] = ''; out[#out + 1] = read
            end
          end
        end
        return out
        """;

    // Per completion, KEYS: done, claim, its condition keys, its write keys; ARGV: result, remember ms,
    // condition count, write count, its conditions, its writes. Each completion's conditions are checked
    // before its writes; a failed one writes nothing and the next is taken all the same. Answers 1 or 0
    // per completion.
    private const string CompleteManyOnceScript = ConditionsAndWritesLua + """
        local out = {}
        local k, a = 0, 0
        while a < #ARGV do
          local conditions, writes = tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
          local ok = 1
          for i = 1, conditions do
            if not holds(KEYS[k + 2 + i], ARGV[a + 4 + i]) then ok = 0; break end
          end
          if ok == 1 then
            for i = 1, writes do write(KEYS[k + 2 + conditions + i], ARGV[a + 4 + conditions + i]) end
            redis.call('SET', KEYS[k + 1], ARGV[a + 1], 'PX', ARGV[a + 2])
            redis.call('DEL', KEYS[k + 2])
          end
          out[#out + 1] = ok
          k = k + 2 + conditions + writes
          a = a + 4 + conditions + writes
        end
        return out
        """;

    // One claim is a step of one: one script for both.
    public async Task<OnceClaim> ClaimOnceAsync(StoreKey done, string owner, Duration lease, StoreKey? alsoRead = null) =>
        (await ClaimManyOnceAsync([new OnceRequest(done, alsoRead)], owner, lease))[0];

    public async Task<IReadOnlyList<OnceClaim>> ClaimManyOnceAsync(IReadOnlyList<OnceRequest> requests, string owner, Duration lease)
    {
        OnceRequest.CheckCount(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        var keys = new RedisKey[requests.Count * 3];
        var args = new RedisValue[requests.Count + 2];
        args[0] = owner;
        args[1] = (long)lease.TotalMilliseconds;
        for (int i = 0; i < requests.Count; i++)
        {
            keys[3 * i] = Render(requests[i].Done);
            keys[3 * i + 1] = Render(ClaimOf(requests[i].Done));
            keys[3 * i + 2] = Render(requests[i].AlsoRead ?? requests[i].Done);
            args[i + 2] = requests[i].AlsoRead is null ? "0" : "1";
        }

        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(ClaimManyOnceScript, keys, args))!;
        var claims = new OnceClaim[requests.Count];
        for (int i = 0; i < requests.Count; i++)
        {
            claims[i] = (long)result[3 * i] switch
            {
                1 => new OnceClaim(OnceOutcome.Claimed, null, result[3 * i + 2].IsNull ? null : (string?)result[3 * i + 2]),
                2 => new OnceClaim(OnceOutcome.Done, (string?)result[3 * i + 1]),
                _ => new OnceClaim(OnceOutcome.HeldElsewhere, (string?)result[3 * i + 1]),
            };
        }

        return claims;
    }

    // One completion is a step of one, as a claim is.
    public async Task<bool> CompleteOnceAsync(StoreKey done, string result, Duration remember, IReadOnlyList<StoreCondition>? conditions = null, IReadOnlyList<StoreWrite>? alsoWrite = null) =>
        (await CompleteManyOnceAsync([new OnceCompletion(done, result, remember, conditions, alsoWrite)]))[0];

    public async Task<IReadOnlyList<bool>> CompleteManyOnceAsync(IReadOnlyList<OnceCompletion> completions)
    {
        OnceCompletion.CheckCount(completions);
        if (completions.Count == 0)
        {
            return [];
        }

        var keys = new List<RedisKey>();
        var args = new List<RedisValue>();
        foreach (var c in completions)
        {
            IReadOnlyList<StoreCondition> conditions = c.Conditions ?? [];
            IReadOnlyList<StoreWrite> writes = c.AlsoWrite ?? [];
            keys.AddRange(ConditionalWriteKeys([Render(c.Done), Render(ClaimOf(c.Done))], conditions, writes));
            // The write count after the condition count: the script finds each completion's end by them.
            var ownArgs = ConditionalWriteArgs([c.Result, (long)c.Remember.TotalMilliseconds], conditions, writes);
            args.AddRange(ownArgs.Take(3));
            args.Add(writes.Count);
            args.AddRange(ownArgs.Skip(3));
        }

        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(CompleteManyOnceScript, [.. keys], [.. args]))!;
        return [.. result.Select(r => (long)r == 1)];
    }

    public Task ReleaseOnceAsync(StoreKey done, string owner) => ReleaseLeaseAsync(ClaimOf(done), owner);

    private static StoreKey ClaimOf(StoreKey done) => new($"{done.Area}-claim", done.Id);
}
