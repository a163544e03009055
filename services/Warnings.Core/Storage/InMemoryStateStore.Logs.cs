using NodaTime;

namespace Warnings.Core.Storage;

/// <summary>The in-memory store's hash-chained logs (the audit log) and sequenced streams (the feeds), under the same lock.</summary>
public sealed partial class InMemoryStateStore
{
    private sealed class MemoryLog
    {
        public List<LogEntry> Entries { get; } = [];

        public long Appended { get; set; }
    }

    private sealed class MemorySequence
    {
        public List<SequencedEntry> Entries { get; } = [];

        public Dictionary<string, long> Seen { get; } = new(StringComparer.Ordinal);
    }

    public Task<LogAppendResult> AppendToLogAsync(StoreKey log, string expectedLastHash, IReadOnlyList<LogAppend> entries)
    {
        lock (_gate)
        {
            var memoryLog = LogAt(log, create: true)!;
            var last = memoryLog.Entries.LastOrDefault();
            string lastHash = last?.Hash ?? "";
            if (lastHash != expectedLastHash)
            {
                return Task.FromResult(new LogAppendResult(false, [], lastHash));
            }

            var ids = new List<string>(entries.Count);
            foreach (var append in entries)
            {
                var entry = new LogEntry(LogIds.Next(last?.Id, append.At), append.At, append.Hash, append.Payload);
                memoryLog.Entries.Add(entry);
                memoryLog.Appended++;
                ids.Add(entry.Id);
                last = entry;
            }

            return Task.FromResult(new LogAppendResult(true, ids, last?.Hash ?? lastHash));
        }
    }

    public Task<LogEntry?> ReadLastLogEntryAsync(StoreKey log)
    {
        lock (_gate)
        {
            return Task.FromResult(LogAt(log, create: false)?.Entries.LastOrDefault());
        }
    }

    public Task<IReadOnlyList<LogEntry>> ReadLogAsync(StoreKey log, Instant from, Instant to, string? afterId, int count)
    {
        lock (_gate)
        {
            long fromMs = from.ToUnixTimeMilliseconds(), toMs = to.ToUnixTimeMilliseconds();
            IReadOnlyList<LogEntry> page = (LogAt(log, create: false)?.Entries ?? [])
                .Where(e => LogIds.Parse(e.Id).Ms >= fromMs && LogIds.Parse(e.Id).Ms <= toMs)
                .Where(e => afterId is null || LogIds.Compare(e.Id, afterId) > 0)
                .Take(count)
                .ToList();
            return Task.FromResult(page);
        }
    }

    public Task<long> CountAppendedToLogAsync(StoreKey log)
    {
        lock (_gate)
        {
            return Task.FromResult(LogAt(log, create: false)?.Appended ?? 0);
        }
    }

    public Task<SequenceAppendResult> AppendToSequenceAsync(StoreKey stream, string dedupeId, string payload)
    {
        lock (_gate)
        {
            var sequence = SequenceAt(stream, create: true)!;
            if (sequence.Seen.TryGetValue(dedupeId, out long seen))
            {
                return Task.FromResult(new SequenceAppendResult(seen, false));
            }

            long number = sequence.Entries.Count + 1;
            sequence.Entries.Add(new SequencedEntry(number, payload));
            sequence.Seen[dedupeId] = number;
            return Task.FromResult(new SequenceAppendResult(number, true));
        }
    }

    public Task<IReadOnlyList<SequencedEntry>> ReadSequenceAsync(StoreKey stream, long afterSequence, int count)
    {
        lock (_gate)
        {
            // Entries are numbered 1, 2, 3... by position, so "after n" starts at index n.
            var entries = SequenceAt(stream, create: false)?.Entries ?? [];
            int start = (int)Math.Clamp(afterSequence, 0, entries.Count);
            IReadOnlyList<SequencedEntry> page = entries.GetRange(start, Math.Min(count, entries.Count - start));
            return Task.FromResult(page);
        }
    }

    public Task<long> LastSequenceAsync(StoreKey stream)
    {
        lock (_gate)
        {
            return Task.FromResult((long)(SequenceAt(stream, create: false)?.Entries.Count ?? 0));
        }
    }

    private MemorySequence? SequenceAt(StoreKey key, bool create)
    {
        var entry = Live(key);
        if (entry is null && create)
        {
            entry = new Entry(new MemorySequence(), null);
            _entries[key.Render(_prefix)] = entry;
        }

        return entry?.Value as MemorySequence ?? (entry is null ? null : throw new InvalidOperationException($"Key {key} holds a value that is not a sequenced stream."));
    }

    private MemoryLog? LogAt(StoreKey key, bool create)
    {
        var entry = Live(key);
        if (entry is not null && entry.Value is not MemoryLog)
        {
            throw new InvalidOperationException($"Key {key} holds a value that is not a log.");
        }

        if (entry is null && create)
        {
            entry = new Entry(new MemoryLog(), null);
            _entries[key.Render(_prefix)] = entry;
        }

        return entry?.Value as MemoryLog;
    }
}
