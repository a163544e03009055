using NodaTime;

namespace Warnings.Core.Storage;

/// <summary>
/// One entry of an append-only log in the store (a Redis Stream in production).
/// <paramref name="Id"/> is <c>{unix-ms}-{n}</c>, increasing, usable as a page token;
/// <paramref name="Hash"/> is the caller's hash of the entry, which the next append must name.
/// </summary>
public sealed record LogEntry(string Id, Instant At, string Hash, string Payload);

/// <summary>The outcome of a conditional append: the new entry's id, or the log's actual last hash on a conflict.</summary>
public readonly record struct LogAppendResult(bool Appended, string? Id, string LastHash);
