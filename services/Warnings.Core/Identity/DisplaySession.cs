using NodaTime;

namespace Warnings.Core.Identity;

/// <summary>Where a display session stands.</summary>
public enum DisplayStatus
{
    /// <summary>Issued; its pairing code has not been used yet.</summary>
    AwaitingPairing,

    /// <summary>A screen paired with it and may show the dashboard.</summary>
    Paired,

    /// <summary>Never paired, and its pairing code ran out.</summary>
    PairingExpired,

    Expired,
    Revoked,
}

/// <summary>
/// A wall screen's read-only right to show the dashboard, issued by an operator: a label, an
/// expiry (at most <see cref="MaxLifetime"/>), a one-time pairing code (kept as its hash) that
/// a screen trades within <see cref="PairingWindow"/> for its cookie (kept as its hash too), and a
/// revocation. The screen's principal holds only <see cref="Roles.Display"/>, and its cookie is
/// read on <c>/dashboard</c> only: no API, no console.
/// </summary>
public sealed record DisplaySession(
    string Id,
    string Label,
    Instant IssuedAt,
    string IssuedBy,
    Instant ExpiresAt,
    string PairingHash,
    Instant PairingExpiresAt,
    Instant? PairedAt = null,
    string? CookieHash = null,
    Instant? RevokedAt = null,
    string? RevokedBy = null,
    string? RevokeReason = null)
{
    public static readonly Duration MaxLifetime = Duration.FromDays(90);
    public static readonly Duration DefaultLifetime = Duration.FromDays(30);
    public static readonly Duration PairingWindow = Duration.FromHours(24);
    public const int MaxLabelLength = 100;

    public static DisplaySession Issue(string id, string label, Instant now, string by, Instant? expiresAt, string pairingHash)
    {
        var expires = expiresAt ?? now + DefaultLifetime;
        return new DisplaySession(id, label, now, by, expires, pairingHash, Instant.Min(now + PairingWindow, expires));
    }

    /// <summary>
    /// Why an expiry is refused, or null: in the future, and at most <see cref="MaxLifetime"/> away
    /// (give or take <see cref="ClockSkew"/>: "90 days from now" on the caller's clock is fine).
    /// </summary>
    public static string? CheckExpiry(Instant expiresAt, Instant now) =>
        expiresAt <= now ? "must be in the future"
        : expiresAt - now > MaxLifetime + ClockSkew ? $"must be at most {MaxLifetime.Days} days away"
        : null;

    public static readonly Duration ClockSkew = Duration.FromMinutes(5);

    public DisplayStatus Status(Instant now) =>
        RevokedAt is not null ? DisplayStatus.Revoked
        : now >= ExpiresAt ? DisplayStatus.Expired
        : PairedAt is not null ? DisplayStatus.Paired
        : now >= PairingExpiresAt ? DisplayStatus.PairingExpired
        : DisplayStatus.AwaitingPairing;

    /// <summary>The session a screen presenting the cookie of hash <paramref name="cookieHash"/> holds, if it may show the dashboard now.</summary>
    public bool Admits(string cookieHash, Instant now) => Status(now) == DisplayStatus.Paired && CookieHash == cookieHash;

    /// <summary>The session paired with the cookie of hash <paramref name="cookieHash"/>; null if it cannot pair (used, expired or revoked).</summary>
    public DisplaySession? Pair(string cookieHash, Instant now) =>
        Status(now) == DisplayStatus.AwaitingPairing ? this with { PairedAt = now, CookieHash = cookieHash } : null;

    /// <summary>Revoked; a second revocation leaves the first standing.</summary>
    public DisplaySession Revoke(Instant now, string by, string reason) =>
        RevokedAt is not null ? this : this with { RevokedAt = now, RevokedBy = by, RevokeReason = reason };

    public PlatformPrincipal ToPrincipal() =>
        new($"display:{Id}", new HashSet<string>([Roles.Display], StringComparer.Ordinal), null, null, null, "display_session");
}
