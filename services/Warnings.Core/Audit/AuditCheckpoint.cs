using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Warnings.Core.Json;
using Warnings.Core.Storage;

namespace Warnings.Core.Audit;

/// <summary>
/// A signed statement "the audit log reached entry <see cref="EntryId"/> with hash <see cref="Hash"/>",
/// kept beside the log (<c>audit:checkpoint</c>) and rewritten after every committed batch of entries.
/// The chain alone cannot show that its tail was cut off or that the whole stream was deleted (what
/// is left still links up); the checkpoint can: the verifier must find its entry, with its hash, in
/// the chain. It is MACed with the chain key, so someone who can write to Redis but lacks the key
/// cannot move it back; deleting it is itself reported.
/// </summary>
public sealed record AuditCheckpoint(string EntryId, string Hash, string Mac)
{
    public static readonly StoreKey Key = new("audit", "checkpoint");

    public static AuditCheckpoint Create(byte[]? chainKey, string entryId, string hash) => new(entryId, hash, MacOf(chainKey, entryId, hash));

    public bool IsAuthentic(byte[]? chainKey) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(MacOf(chainKey, EntryId, Hash)), Encoding.ASCII.GetBytes(Mac ?? ""));

    public string ToJson() => JsonSerializer.Serialize(this, PlatformJson.Options);

    public static AuditCheckpoint? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<AuditCheckpoint>(json, PlatformJson.Options);
        }
        catch (JsonException)
        {
            return new AuditCheckpoint("", "", ""); // unreadable: fails IsAuthentic
        }
    }

    private static string MacOf(byte[]? chainKey, string entryId, string hash)
    {
        byte[] data = Encoding.UTF8.GetBytes($"checkpoint\n{entryId}\n{hash}");
        return Convert.ToHexStringLower(chainKey is null ? SHA256.HashData(data) : HMACSHA256.HashData(chainKey, data));
    }
}
