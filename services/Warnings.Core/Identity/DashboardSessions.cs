using System.Text.Json;
using NodaTime;
using Warnings.Core.Json;
using Warnings.Core.Storage;

namespace Warnings.Core.Identity;

/// <summary>
/// A browser sign-in as the store keeps it: whose key it came from, never the key. A console session
/// also keeps its CSRF token and, when it was opened with a JWT (which no registry can revoke), the
/// token's principal; it then ends with the token.
/// </summary>
public sealed record DashboardSession(string KeyId, string PrincipalId, Instant CreatedAt, Instant ExpiresAt, string? CsrfToken = null, SessionPrincipal? Token = null);

/// <summary>The principal of a JWT-opened session, as its token said at sign-in.</summary>
public sealed record SessionPrincipal(string Id, IReadOnlyList<string> Roles, string? Department, string? District,
    IReadOnlyList<string> Hazards, IReadOnlyList<string> Districts, string? MinimumLevel)
{
    public static SessionPrincipal Of(PlatformPrincipal p) => new(p.Id, p.Roles.Order(StringComparer.Ordinal).ToList(), p.Department, p.District,
        p.Entitlements?.Hazards.Order(StringComparer.Ordinal).ToList() ?? [], p.Entitlements?.Districts.Order(StringComparer.Ordinal).ToList() ?? [], p.Entitlements?.MinimumLevel);

    public PlatformPrincipal ToPrincipal() => new(Id, Roles.ToHashSet(StringComparer.Ordinal), Department, District,
        Hazards.Count + Districts.Count > 0 || MinimumLevel is not null
            ? new Entitlements(Hazards.ToHashSet(StringComparer.Ordinal), Districts.ToHashSet(StringComparer.Ordinal), MinimumLevel ?? Domain.WarningLevels.Red)
            : null,
        "console_session");
}

/// <summary>What a console session is now: its status, its principal and CSRF token while valid.</summary>
public sealed record ConsoleSessionCheck(ApiKeyStatus Status, PlatformPrincipal? Principal, string? CsrfToken);

/// <summary>
/// Server-side sessions of the browser pages: the situation dashboard and the duty room console. The
/// browser's cookie holds only a random 256-bit id; the store keeps the session under the SHA-256 of
/// that id (<c>dashboard-session:{hash}</c> or <c>console-session:{hash}</c>, so a copy of the store
/// signs no one in) with an expiry. Every use of a key-opened session re-reads the API key it came
/// from, so revoking (or the expiry of) that key ends the session on every instance at once; a
/// JWT-opened console session ends when its token does; signing out deletes the session.
/// </summary>
public sealed class DashboardSessions(IStateStore store, ApiKeyRegistry registry, IClock clock)
{
    private const string DashboardKind = "dashboard-session";
    private const string ConsoleKind = "console-session";

    /// <summary>How long a sign-in lasts.</summary>
    public static readonly Duration Lifetime = Duration.FromHours(12);

    /// <summary>Starts a dashboard session for the (valid) key <paramref name="record"/>; returns the id for the cookie.</summary>
    public async Task<string> CreateAsync(ApiKeyRecord record)
    {
        string id = NewSecret();
        var now = clock.GetCurrentInstant();
        await SaveAsync(DashboardKind, id, new DashboardSession(record.KeyId, record.PrincipalId, now, now + Lifetime));
        return id;
    }

    /// <summary>
    /// Starts a console session for a caller the platform just authenticated: by API key (the session
    /// follows the key) or by JWT (the session ends at <paramref name="tokenExpiresAt"/> at the latest).
    /// Returns the id for the cookie and the CSRF token every state-changing request must carry.
    /// </summary>
    public async Task<(string Id, string CsrfToken)> CreateConsoleAsync(PlatformPrincipal principal, Instant? tokenExpiresAt)
    {
        string id = NewSecret(), csrf = NewSecret();
        var now = clock.GetCurrentInstant();
        var expires = tokenExpiresAt is { } until && until < now + Lifetime ? until : now + Lifetime;
        var session = principal.KeyId is { Length: > 0 } keyId
            ? new DashboardSession(keyId, principal.Id, now, expires, csrf)
            : new DashboardSession("", principal.Id, now, expires, csrf, SessionPrincipal.Of(principal));
        await SaveAsync(ConsoleKind, id, session);
        return (id, csrf);
    }

    /// <summary>
    /// The dashboard session's key as it is now: <see cref="ApiKeyStatus.Valid"/> with its record, revoked or
    /// expired (the session is then deleted), or invalid for an unknown or ended session.
    /// </summary>
    public async Task<ApiKeyCheck> CheckAsync(string id)
    {
        var (status, _, record) = await CheckAsync(DashboardKind, id);
        return new ApiKeyCheck(status, record);
    }

    /// <summary>The console session as it is now (see <see cref="CheckAsync(string)"/>); a JWT-opened one is valid until its expiry.</summary>
    public async Task<ConsoleSessionCheck> CheckConsoleAsync(string id)
    {
        var (status, session, record) = await CheckAsync(ConsoleKind, id);
        var principal = status != ApiKeyStatus.Valid ? null : session!.Token?.ToPrincipal() ?? record!.ToPrincipal();
        return new ConsoleSessionCheck(status, principal, principal is null ? null : session!.CsrfToken);
    }

    /// <summary>Ends the dashboard session (signing out); true when there was one.</summary>
    public Task<bool> RevokeAsync(string id) => ValidId(id) ? store.DeleteAsync(Key(DashboardKind, id)) : Task.FromResult(false);

    /// <summary>Ends the console session (signing out); true when there was one.</summary>
    public Task<bool> RevokeConsoleAsync(string id) => ValidId(id) ? store.DeleteAsync(Key(ConsoleKind, id)) : Task.FromResult(false);

    private async Task<(ApiKeyStatus Status, DashboardSession? Session, ApiKeyRecord? Record)> CheckAsync(string kind, string id)
    {
        if (!ValidId(id) || await store.GetAsync(Key(kind, id)) is not { } json
            || JsonSerializer.Deserialize<DashboardSession>(json, PlatformJson.Options) is not { } session)
        {
            return (ApiKeyStatus.Invalid, null, null);
        }

        var now = clock.GetCurrentInstant();
        if (now >= session.ExpiresAt)
        {
            await store.DeleteAsync(Key(kind, id));
            return (ApiKeyStatus.Invalid, null, null);
        }

        if (session.Token is not null)
        {
            return (ApiKeyStatus.Valid, session, null);
        }

        if (await registry.GetAsync(session.KeyId) is not { } record || record.PrincipalId != session.PrincipalId)
        {
            await store.DeleteAsync(Key(kind, id));
            return (ApiKeyStatus.Invalid, null, null);
        }

        var status = record.RevokedAt is not null ? ApiKeyStatus.Revoked
            : record.ExpiresAt is { } expiry && now >= expiry ? ApiKeyStatus.Expired
            : ApiKeyStatus.Valid;
        if (status != ApiKeyStatus.Valid)
        {
            await store.DeleteAsync(Key(kind, id));
        }

        return (status, session, record);
    }

    private Task SaveAsync(string kind, string id, DashboardSession session) =>
        store.SetAsync(Key(kind, id), JsonSerializer.Serialize(session, PlatformJson.Options), session.ExpiresAt - session.CreatedAt);

    private static bool ValidId(string id) => SessionSecrets.Plausible(id);

    private static string NewSecret() => SessionSecrets.New();

    private static StoreKey Key(string kind, string id) => new(kind, SessionSecrets.Hash(id));
}
