using NodaTime;

namespace Warnings.Core.Storage;

/// <summary>
/// The platform's state store: Redis in production, memory in the embedded default and unit tests.
/// Both implementations pass the same contract tests (tests/Warnings.Core.Tests/Storage), so code
/// written against this interface behaves the same on either. Keys are <see cref="StoreKey"/>s; the
/// implementation applies the configured prefix. Expiry is measured by the store's <see cref="IClock"/>
/// in memory and by Redis itself in Redis.
/// </summary>
public interface IStateStore
{
    /// <summary>"Redis" or "InMemory".</summary>
    string Kind { get; }

    /// <summary>True when the store answers; used by readiness checks.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);

    /// <summary>The string at <paramref name="key"/>, or null when there is none.</summary>
    Task<string?> GetAsync(StoreKey key);

    /// <summary>
    /// The strings at <paramref name="keys"/>, in the same order (null where there is none): one round
    /// trip for a page of documents instead of one per document (Redis: MGETs of 500 keys, pipelined).
    /// </summary>
    Task<IReadOnlyList<string?>> GetManyAsync(IReadOnlyList<StoreKey> keys);

    /// <summary>Sets the string at <paramref name="key"/>, replacing any value; <paramref name="expiry"/> null keeps it forever.</summary>
    Task SetAsync(StoreKey key, string value, Duration? expiry = null);

    /// <summary>Deletes <paramref name="key"/>; true when it existed.</summary>
    Task<bool> DeleteAsync(StoreKey key);

    /// <summary>
    /// Sets <paramref name="field"/> of the hash at <paramref name="key"/> only if the field is not set yet;
    /// true when this call set it. The idempotent "first writer wins" step consumers use.
    /// <paramref name="expiry"/>, when given, (re)sets the whole hash's time to live.
    /// </summary>
    Task<bool> HashSetIfAbsentAsync(StoreKey key, string field, string value, Duration? expiry = null);

    /// <summary>All fields of the hash at <paramref name="key"/> (empty when there is none).</summary>
    Task<IReadOnlyDictionary<string, string>> HashGetAllAsync(StoreKey key);

    /// <summary>
    /// Appends <paramref name="entries"/>, in order, to the append-only log at <paramref name="log"/>
    /// if and only if the hash of its last entry is <paramref name="expectedLastHash"/> ("" for an
    /// empty log): the compare and the appends are one atomic step, so concurrent writers build one
    /// unbroken chain (the loser gets the actual last hash and retries), and a writer can commit many
    /// entries in one round trip. Each id's time part is the entry's instant in milliseconds, kept
    /// increasing even if clocks disagree.
    /// </summary>
    Task<LogAppendResult> AppendToLogAsync(StoreKey log, string expectedLastHash, IReadOnlyList<LogAppend> entries);

    /// <summary>Appends one entry; see the batch overload.</summary>
    async Task<LogAppendResult> AppendToLogAsync(StoreKey log, string expectedLastHash, Instant at, string hash, string payload) =>
        await AppendToLogAsync(log, expectedLastHash, [new LogAppend(at, hash, payload)]);

    /// <summary>The last entry of the log, or null when it is empty.</summary>
    Task<LogEntry?> ReadLastLogEntryAsync(StoreKey log);

    /// <summary>
    /// Up to <paramref name="count"/> entries in append order whose id time is in
    /// [<paramref name="from"/>, <paramref name="to"/>] (millisecond precision), starting after
    /// <paramref name="afterId"/> when given.
    /// </summary>
    Task<IReadOnlyList<LogEntry>> ReadLogAsync(StoreKey log, Instant from, Instant to, string? afterId, int count);

    /// <summary>How many entries were ever appended to the log, deleted ones included: a log holding fewer has lost entries.</summary>
    Task<long> CountAppendedToLogAsync(StoreKey log);

    /// <summary>
    /// Appends <paramref name="payload"/> to the sequenced stream at <paramref name="stream"/> once per
    /// <paramref name="dedupeId"/>: the first call numbers it 1, 2, 3... in append order; a repeat
    /// (a redelivered event) appends nothing and returns the number the first call gave. The check,
    /// the numbering and the append are one atomic step. Partner feeds are such streams: a
    /// subscriber resumes after the last number it saw.
    /// </summary>
    Task<SequenceAppendResult> AppendToSequenceAsync(StoreKey stream, string dedupeId, string payload);

    /// <summary>Up to <paramref name="count"/> entries of the sequenced stream numbered after <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<SequencedEntry>> ReadSequenceAsync(StoreKey stream, long afterSequence, int count);

    /// <summary>The number of the last entry of the sequenced stream; 0 when it is empty.</summary>
    Task<long> LastSequenceAsync(StoreKey stream);

    /// <summary>
    /// One atomic, conditional step: if every condition holds (a key equals a value, or is absent
    /// when the expected value is null), every write is made; otherwise nothing is. This is how an
    /// edit bumps a version, records its history and its request id together, or not at all.
    /// </summary>
    Task<bool> CommitAsync(IReadOnlyList<StoreCondition> conditions, IReadOnlyList<StoreWrite> writes);

    /// <summary>Up to <paramref name="count"/> items from the head of the list at <paramref name="key"/>, oldest first.</summary>
    Task<IReadOnlyList<string>> ListHeadAsync(StoreKey key, int count);

    /// <summary>
    /// Up to <paramref name="count"/> items of the list at <paramref name="key"/> from position
    /// <paramref name="start"/> (0 is the head), oldest first: a window of a long list, read without the rest.
    /// </summary>
    Task<IReadOnlyList<string>> ListRangeAsync(StoreKey key, long start, int count);

    /// <summary>
    /// Removes <paramref name="head"/> from the head of the list at <paramref name="key"/> (after its
    /// items were handled) if the list still starts with it, in one atomic step; answers whether it
    /// did. A worker whose head another worker already removed (the outbox relay that lost its lease
    /// while it published, and found the next holder had relayed and trimmed the same entries) removes
    /// nothing: a removal by count alone would take away items nobody had handled yet. The head is
    /// recognised by its first and its last item, which is enough only for a list whose items are
    /// unique and only ever appended and removed from the head: the caller's to keep (the outbox's
    /// entries each carry their own message id); the store does not check it.
    /// </summary>
    Task<bool> ListRemoveHeadAsync(StoreKey key, IReadOnlyList<string> head);

    /// <summary>The number of items in the list at <paramref name="key"/>.</summary>
    Task<long> ListLengthAsync(StoreKey key);

    /// <summary>
    /// Takes or renews a lease named <paramref name="key"/> for <paramref name="owner"/>: true when the
    /// owner holds it for <paramref name="ttl"/> from now. Used so that one relay at a time drains the outbox.
    /// </summary>
    Task<bool> AcquireLeaseAsync(StoreKey key, string owner, Duration ttl);

    /// <summary>Gives a lease up if <paramref name="owner"/> holds it: true when it did, false when the lease had lapsed or passed to another owner.</summary>
    Task<bool> ReleaseLeaseAsync(StoreKey key, string owner);

    /// <summary>
    /// Claims a task that must happen once (e.g. one gateway call per warning, version and channel):
    /// in one atomic step, answers <see cref="OnceOutcome.Done"/> with the recorded result when
    /// <paramref name="done"/> is set, <see cref="OnceOutcome.HeldElsewhere"/> when another owner's
    /// claim is still live, else claims it for <paramref name="owner"/> for <paramref name="lease"/>.
    /// A claim whose owner died expires, so the task is retried then: its outcome was unknown.
    /// With <paramref name="alsoRead"/>, a claim also answers that key's value in the same step
    /// (<see cref="OnceClaim.AlsoRead"/>): the record the task will update, without a second round trip.
    /// </summary>
    Task<OnceClaim> ClaimOnceAsync(StoreKey done, string owner, Duration lease, StoreKey? alsoRead = null);

    /// <summary>
    /// Several claims for one owner in one step, each answered as <see cref="ClaimOnceAsync"/> alone would
    /// answer it, in order: a fan-out claims all its channels in one round trip. At most
    /// <see cref="OnceRequest.MaxPerStep"/> requests.
    /// </summary>
    Task<IReadOnlyList<OnceClaim>> ClaimManyOnceAsync(IReadOnlyList<OnceRequest> requests, string owner, Duration lease);

    /// <summary>
    /// Records the task's result at <paramref name="done"/> (for <paramref name="remember"/>) and drops any claim: one atomic step.
    /// With <paramref name="conditions"/> and <paramref name="alsoWrite"/>, the same step also makes those writes, and
    /// happens only if every condition holds (as <see cref="CommitAsync"/>): answers false, changing nothing, when one
    /// does not. A task's outcome and the record that reports it then land together or not at all.
    /// </summary>
    Task<bool> CompleteOnceAsync(StoreKey done, string result, Duration remember, IReadOnlyList<StoreCondition>? conditions = null, IReadOnlyList<StoreWrite>? alsoWrite = null);

    /// <summary>
    /// Several completions in one step, each answered as <see cref="CompleteOnceAsync"/> alone would answer it,
    /// one after the other in order (a completion whose condition fails changes nothing and does not stop the
    /// others): the deliveries that finish at one moment record in one round trip (on Redis one script,
    /// atomic as a whole; the in-memory store takes them one after the other). At most
    /// <see cref="OnceCompletion.MaxPerStep"/> completions.
    /// </summary>
    Task<IReadOnlyList<bool>> CompleteManyOnceAsync(IReadOnlyList<OnceCompletion> completions);

    /// <summary>Drops <paramref name="owner"/>'s claim (the task failed and may be tried again at once).</summary>
    Task ReleaseOnceAsync(StoreKey done, string owner);

    /// <summary>
    /// Up to <paramref name="count"/> members of the schedule at <paramref name="schedule"/> (written by
    /// <see cref="StoreWrite.Schedule"/>) due at or before <paramref name="upTo"/>, soonest first: what a
    /// periodic job acts on, without reading every document it might concern.
    /// </summary>
    Task<IReadOnlyList<string>> DueAsync(StoreKey schedule, Instant upTo, int count);

    /// <summary>Publishes a nudge to every subscriber of <paramref name="channel"/> (in every process, for Redis). Fire and forget: nudges may be lost.</summary>
    Task PublishAsync(string channel, string message);

    /// <summary>Calls <paramref name="handler"/> for every nudge on <paramref name="channel"/>.</summary>
    Task SubscribeAsync(string channel, Action<string> handler);
}

/// <summary>A condition of <see cref="IStateStore.CommitAsync"/>: the string at <paramref name="Key"/> equals <paramref name="Expected"/> (null: the key is absent).</summary>
public sealed record StoreCondition(StoreKey Key, string? Expected);

/// <summary>A write of <see cref="IStateStore.CommitAsync"/>: set the string at <paramref name="Key"/>, or append it to the list there.</summary>
public sealed record StoreWrite(StoreKey Key, string Value, StoreWriteKind Kind = StoreWriteKind.Set)
{
    /// <summary>Appends <paramref name="value"/> to the end of the list at <paramref name="key"/>.</summary>
    public static StoreWrite Append(StoreKey key, string value) => new(key, value, StoreWriteKind.Append);

    /// <summary>Puts <paramref name="member"/> on the schedule at <paramref name="schedule"/>, due at <paramref name="due"/> (moved if it was there).</summary>
    public static StoreWrite Schedule(StoreKey schedule, string member, Instant due) => new(schedule, member, StoreWriteKind.Schedule) { Due = due };

    /// <summary>Takes <paramref name="member"/> off the schedule at <paramref name="schedule"/> (nothing if it was not there).</summary>
    public static StoreWrite Unschedule(StoreKey schedule, string member) => new(schedule, member, StoreWriteKind.Unschedule);

    /// <summary>For <see cref="StoreWriteKind.Schedule"/>: when the member is due.</summary>
    public Instant Due { get; init; }
}

public enum StoreWriteKind
{
    /// <summary>SET the string.</summary>
    Set,

    /// <summary>RPUSH onto the list.</summary>
    Append,

    /// <summary>ZADD to the schedule (a sorted set scored by due time in Unix milliseconds).</summary>
    Schedule,

    /// <summary>ZREM from the schedule.</summary>
    Unschedule,
}

/// <summary>
/// What <see cref="IStateStore.ClaimOnceAsync"/> found: <paramref name="Value"/> is the recorded result (Done) or the other
/// owner (HeldElsewhere); <paramref name="AlsoRead"/> the value of the key asked to be read with a claim (null: the key is absent,
/// none was asked for, or not claimed). Meant as the condition of a later write, which fails if the value has changed since.
/// </summary>
public sealed record OnceClaim(OnceOutcome Outcome, string? Value = null, string? AlsoRead = null);

/// <summary>One completion of <see cref="IStateStore.CompleteManyOnceAsync"/>: the arguments of <see cref="IStateStore.CompleteOnceAsync"/>.</summary>
public sealed record OnceCompletion(StoreKey Done, string Result, Duration Remember, IReadOnlyList<StoreCondition>? Conditions = null, IReadOnlyList<StoreWrite>? AlsoWrite = null)
{
    /// <summary>The most completions one step takes.</summary>
    public const int MaxPerStep = 64;

    public static void CheckCount(IReadOnlyList<OnceCompletion> completions)
    {
        if (completions.Count > MaxPerStep)
        {
            throw new ArgumentOutOfRangeException(nameof(completions), completions.Count, $"At most {MaxPerStep} completions in one step.");
        }
    }
}

/// <summary>One claim of <see cref="IStateStore.ClaimManyOnceAsync"/>: the task's key and, optionally, a key to read with it.</summary>
public sealed record OnceRequest(StoreKey Done, StoreKey? AlsoRead = null)
{
    /// <summary>The most claims one step takes (a step is one script; its size is bounded like every other).</summary>
    public const int MaxPerStep = 64;

    public static void CheckCount(IReadOnlyList<OnceRequest> requests)
    {
        if (requests.Count > MaxPerStep)
        {
            throw new ArgumentOutOfRangeException(nameof(requests), requests.Count, $"At most {MaxPerStep} claims in one step.");
        }
    }
}

public enum OnceOutcome
{
    /// <summary>This owner holds the claim: do the task, then complete (or release) it.</summary>
    Claimed,

    /// <summary>The task was done; <see cref="OnceClaim.Value"/> is its result.</summary>
    Done,

    /// <summary>Another owner is doing it right now (or died doing it and its lease has not run out).</summary>
    HeldElsewhere,
}

/// <summary>An entry of a sequenced stream (<see cref="IStateStore.AppendToSequenceAsync"/>).</summary>
public sealed record SequencedEntry(long Sequence, string Payload);

/// <summary>The entry's number, and whether this call appended it (false: a repeat of its dedupe id).</summary>
public sealed record SequenceAppendResult(long Sequence, bool Appended);
