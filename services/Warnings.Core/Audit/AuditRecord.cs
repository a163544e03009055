using NodaTime;

namespace Warnings.Core.Audit;

/// <summary>
/// One audit entry: who did what to what, with which outcome, when, and the hash of the entry
/// before it. Serialized as the entry's payload; its hash covers exactly that payload.
/// </summary>
public sealed record AuditRecord(
    Instant At,
    string? PrincipalId,
    IReadOnlyList<string> Roles,
    string Action,
    string? Target,
    string Outcome,
    string? Reason,
    string? ListVersion,
    string? RequestId,
    string PreviousHash);

/// <summary>An audit entry as stored: its log id and hash with the record.</summary>
public sealed record StoredAuditRecord(string Id, string Hash, AuditRecord Record);

/// <summary>The result of walking the chain: intact, or where it first breaks and how.</summary>
public sealed record AuditChainVerification(bool Intact, long EntriesChecked, string? FirstBrokenEntryId, string? Problem);
