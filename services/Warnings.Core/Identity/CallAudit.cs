namespace Warnings.Core.Identity;

/// <summary>
/// Per-call details a service adds to the audit entry the access interceptor writes: what the call
/// acted on, and the publication-list version its decision used. Scoped: one per call.
/// </summary>
public sealed class CallAudit
{
    /// <summary>What the call acted on (warning id, key id...).</summary>
    public string? Target { get; set; }

    /// <summary>The publication-list version the decision used.</summary>
    public string? ListVersion { get; set; }
}
