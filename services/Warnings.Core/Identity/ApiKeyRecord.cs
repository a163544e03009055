using NodaTime;

namespace Warnings.Core.Identity;

/// <summary>An API key as the store keeps it: the hash of the key, never the key, and whose it is.</summary>
public sealed record ApiKeyRecord(
    string KeyId,
    string Hash,
    string PrincipalId,
    IReadOnlyList<string> Roles,
    string? Department,
    string? District,
    IReadOnlyList<string> Hazards,
    IReadOnlyList<string> Districts,
    string? MinimumLevel,
    Instant IssuedAt,
    string IssuedBy,
    Instant? ExpiresAt = null,
    Instant? RevokedAt = null,
    string? RevokedBy = null,
    string? RevokeReason = null)
{
    public PlatformPrincipal ToPrincipal() => new(
        PrincipalId,
        Roles.ToHashSet(StringComparer.Ordinal),
        Department,
        District,
        Hazards.Count + Districts.Count > 0 || MinimumLevel is not null
            ? new Entitlements(Hazards.ToHashSet(StringComparer.Ordinal), Districts.ToHashSet(StringComparer.Ordinal), MinimumLevel ?? Domain.WarningLevels.Red)
            : null,
        "api_key",
        KeyId);
}
