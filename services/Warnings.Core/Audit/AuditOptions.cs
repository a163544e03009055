namespace Warnings.Core.Audit;

/// <summary>Bound from the <c>Audit</c> section.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>
    /// Base64 secret for HMAC-SHA256 chaining (<c>Audit__ChainKey</c>). With it, someone who can write
    /// to Redis but lacks the key cannot forge a consistent chain. Without it the chain uses plain
    /// SHA-256, which still catches accidental and careless edits.
    /// </summary>
    public string? ChainKey { get; set; }
}
