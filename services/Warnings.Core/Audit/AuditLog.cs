using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Warnings.Core.Concurrency;
using Warnings.Core.Json;
using Warnings.Core.Storage;

namespace Warnings.Core.Audit;

/// <summary>
/// The append-only, hash-chained audit log (<c>audit:log</c>, a Redis Stream in production). Each
/// entry's hash is HMAC-SHA256 (or SHA-256) of the previous entry's hash and this entry's payload;
/// the store appends only if the log still ends with that previous entry, so concurrent writers on
/// any number of instances build one chain. Editing, inserting or deleting an entry breaks it, and
/// <see cref="VerifyAsync"/> finds the first place where it does.
/// </summary>
public sealed class AuditLog(IStateStore store, IClock clock, IOptions<AuditOptions> options, ILogger<AuditLog> logger)
{
    private static readonly StoreKey Log = new("audit", "log");
    private const int VerifyPageSize = 1000;

    private readonly byte[]? _chainKey = options.Value.ChainKey is { Length: > 0 } key ? Convert.FromBase64String(key) : null;
    private const int MaxBatch = 256;
    private GroupCommit<AuditRecord, StoredAuditRecord>? _appends;
    private string? _lastHash; // the chain's end as this process last saw it; null: read it

    /// <summary>True when entries are chained with a keyed HMAC rather than plain SHA-256.</summary>
    public bool IsKeyed => _chainKey is not null;

    /// <summary>
    /// Appends an entry for a call (<c>At</c> and <c>PreviousHash</c> are filled in here) and returns
    /// once it is in the store. Entries waiting at the same moment are chained and committed together
    /// in one conditional append (group commit), so the chain's one-at-a-time step costs one round
    /// trip per batch, not per call; another process's append in between makes the batch re-chain.
    /// </summary>
    public Task<StoredAuditRecord> AppendAsync(AuditRecord draft, CancellationToken cancellationToken = default) =>
        LazyInitializer.EnsureInitialized(ref _appends, () => new(AppendBatchAsync, MaxBatch)).CommitAsync(Bounded(draft), cancellationToken);

    /// <summary>How much of a caller-chosen text (a request id, a target id, a REST path) an entry keeps.</summary>
    public const int MaxFieldLength = 128;

    // The log is kept for good and read whole by the verification: a caller, even one refused at the
    // door, must not be able to write a megabyte into it with one request id or warning id. Valid ids
    // are at most 64 characters; anything longer is kept as its start and its length.
    private static AuditRecord Bounded(AuditRecord draft) =>
        draft.RequestId is { Length: > MaxFieldLength } || draft.Target is { Length: > MaxFieldLength } || draft.PrincipalId is { Length: > MaxFieldLength }
            || draft.Action.Length > MaxFieldLength
            ? draft with { RequestId = Cut(draft.RequestId), Target = Cut(draft.Target), PrincipalId = Cut(draft.PrincipalId), Action = Cut(draft.Action)! }
            : draft;

    private static string? Cut(string? text)
    {
        if (text is not { Length: > MaxFieldLength })
        {
            return text;
        }

        int keep = MaxFieldLength - 32;
        keep -= char.IsHighSurrogate(text[keep - 1]) ? 1 : 0; // never half a character
        return $"{text[..keep]}...({text.Length} characters)";
    }

    private async Task<IReadOnlyList<StoredAuditRecord>> AppendBatchAsync(IReadOnlyList<AuditRecord> drafts)
    {
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                string lastHash = _lastHash ??= (await store.ReadLastLogEntryAsync(Log))?.Hash ?? "";
                var at = clock.GetCurrentInstant();
                var records = new List<(AuditRecord Record, string Hash, string Payload)>(drafts.Count);
                string previous = lastHash;
                foreach (var draft in drafts)
                {
                    var record = draft with { At = at, PreviousHash = previous };
                    string payload = JsonSerializer.Serialize(record, PlatformJson.Options);
                    previous = Hash(previous, payload);
                    records.Add((record, previous, payload));
                }

                var appends = records.Select(r => new LogAppend(r.Record.At, r.Hash, r.Payload)).ToList();
                var result = await store.AppendToLogAsync(Log, lastHash, appends);
                if (result.Appended)
                {
                    _lastHash = previous;
                    await CheckpointAsync(result.Ids[^1], previous);
                    return records.Select((r, i) => new StoredAuditRecord(result.Ids[i], r.Hash, r.Record)).ToList();
                }

                _lastHash = result.LastHash; // another instance appended: chain onto its entry
                if (attempt == 100)
                {
                    throw new InvalidOperationException("The audit log stayed contended for 100 attempts.");
                }

                logger.LogDebug("Audit append raced another writer; retrying (attempt {Attempt})", attempt);
            }
        }
        catch
        {
            _lastHash = null;
            throw;
        }
    }

    // After every committed batch (one SET per batch, not per entry: batches grow with the load), so
    // nothing but the entries of the very last moment can be cut off unseen.
    private async Task CheckpointAsync(string entryId, string hash)
    {
        Volatile.Write(ref _lastWritten, entryId);
        try
        {
            await store.SetAsync(AuditCheckpoint.Key, AuditCheckpoint.Create(_chainKey, entryId, hash).ToJson());
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not write the audit checkpoint ({Error}); the next append writes it", e.Message);
        }
    }

    private string? _lastWritten;

    /// <summary>True for a string shaped like the page tokens <see cref="ListAsync"/> hands out (entry ids).</summary>
    public static bool IsPageToken(string token) => LogIds.IsValid(token);

    /// <summary>Entries with <c>At</c> in [from, to], oldest first, after <paramref name="afterId"/>; the last id is the next page's token.</summary>
    public async Task<IReadOnlyList<StoredAuditRecord>> ListAsync(Instant from, Instant to, string? afterId, int pageSize)
    {
        var entries = await store.ReadLogAsync(Log, from, to, afterId, pageSize);
        return entries.Select(e => new StoredAuditRecord(e.Id, e.Hash, Parse(e.Payload))).ToList();
    }

    /// <summary>Walks the whole chain from the first entry and reports the first one that does not verify.</summary>
    public async Task<AuditChainVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var checkpoint = AuditCheckpoint.Parse(await store.GetAsync(AuditCheckpoint.Key));
        if (checkpoint is not null && !checkpoint.IsAuthentic(_chainKey))
        {
            return new AuditChainVerification(false, 0, checkpoint.EntryId, "the log's checkpoint was altered: its signature does not verify");
        }

        bool checkpointSeen = false;
        string previousHash = "";
        string? lastId = null;
        long checkedCount = 0;
        while (true)
        {
            var page = await store.ReadLogAsync(Log, Instant.MinValue, Instant.MaxValue, lastId, VerifyPageSize);
            foreach (var entry in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!TryParse(entry.Payload, out var record))
                {
                    return new AuditChainVerification(false, checkedCount, entry.Id, "the entry is not a readable audit record");
                }

                if (record!.PreviousHash != previousHash)
                {
                    return new AuditChainVerification(false, checkedCount, entry.Id, "the entry does not follow the one before it: an entry was deleted or inserted before it");
                }

                if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(previousHash, entry.Payload)), Encoding.ASCII.GetBytes(entry.Hash)))
                {
                    return new AuditChainVerification(false, checkedCount, entry.Id, "the entry's content does not match its hash: it was altered");
                }

                checkpointSeen |= checkpoint is not null && entry.Id == checkpoint.EntryId && entry.Hash == checkpoint.Hash;
                previousHash = entry.Hash;
                lastId = entry.Id;
                checkedCount++;
            }

            if (page.Count < VerifyPageSize)
            {
                break;
            }
        }

        if (checkpoint is not null && !checkpointSeen)
        {
            return new AuditChainVerification(false, checkedCount, checkpoint.EntryId,
                $"the log was cut short: it no longer reaches its checkpoint entry {checkpoint.EntryId} (entries after {lastId ?? "the start"} were removed, or the log was deleted)");
        }

        if (checkpoint is null && (checkedCount > 0 || Volatile.Read(ref _lastWritten) is not null))
        {
            return new AuditChainVerification(false, checkedCount, lastId ?? "", "the log's checkpoint is missing: it was deleted (with or without the log)");
        }

        long appended = await store.CountAppendedToLogAsync(Log);
        return appended > checkedCount
            ? new AuditChainVerification(false, checkedCount, lastId ?? "", $"{appended - checkedCount} entries were deleted from the log (after {lastId ?? "the start"} or removed whole)")
            : new AuditChainVerification(true, checkedCount, null, null);
    }

    private string Hash(string previousHash, string payload)
    {
        byte[] data = Encoding.UTF8.GetBytes($"{previousHash}\n{payload}");
        return Convert.ToHexStringLower(_chainKey is null ? SHA256.HashData(data) : HMACSHA256.HashData(_chainKey, data));
    }

    private static AuditRecord Parse(string payload) => JsonSerializer.Deserialize<AuditRecord>(payload, PlatformJson.Options)!;

    private static bool TryParse(string payload, out AuditRecord? record)
    {
        try
        {
            record = Parse(payload);
            return true;
        }
        catch (JsonException)
        {
            record = null;
            return false;
        }
    }
}
