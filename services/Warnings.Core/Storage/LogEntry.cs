using NodaTime;

namespace Warnings.Core.Storage;

/// <summary>
/// One entry of an append-only log in the store (a Redis Stream in production).
/// <paramref name="Id"/> is <c>{unix-ms}-{n}</c>, increasing, usable as a page token;
/// <paramref name="Hash"/> is the caller's hash of the entry, which the next append must name.
/// </summary>
public sealed record LogEntry(string Id, Instant At, string Hash, string Payload);

/// <summary>One entry to append: when, its hash (naming the entry before it), its payload.</summary>
public sealed record LogAppend(Instant At, string Hash, string Payload);

/// <summary>The outcome of a conditional append: the new entries' ids (<see cref="Id"/> is the last), or the log's actual last hash on a conflict.</summary>
public sealed record LogAppendResult(bool Appended, IReadOnlyList<string> Ids, string LastHash)
{
    public string? Id => Ids.Count > 0 ? Ids[^1] : null;
}
