using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NodaTime;
using Warnings.Core.Json;
using Warnings.Core.Storage;

namespace Warnings.Core.Identity;

/// <summary>A dashboard sign-in as the store keeps it: whose key it came from, never the key.</summary>
public sealed record DashboardSession(string KeyId, string PrincipalId, Instant CreatedAt, Instant ExpiresAt);

/// <summary>
/// Server-side sessions of the situation dashboard. The browser's cookie holds only a random 256-bit
/// id; the store keeps the session under the SHA-256 of that id (<c>dashboard-session:{hash}</c>, so a
/// copy of the store signs no one in) with an expiry. Every use re-reads the API key the session came
/// from, so revoking (or the expiry of) that key ends the session on every instance at once; signing
/// out deletes the session.
/// </summary>
public sealed class DashboardSessions(IStateStore store, ApiKeyRegistry registry, IClock clock)
{
    /// <summary>How long a sign-in lasts.</summary>
    public static readonly Duration Lifetime = Duration.FromHours(12);

    /// <summary>Starts a session for the (valid) key <paramref name="record"/>; returns the id for the cookie.</summary>
    public async Task<string> CreateAsync(ApiKeyRecord record)
    {
        string id = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetCurrentInstant();
        var session = new DashboardSession(record.KeyId, record.PrincipalId, now, now + Lifetime);
        await store.SetAsync(Key(id), JsonSerializer.Serialize(session, PlatformJson.Options), Lifetime);
        return id;
    }

    /// <summary>
    /// The session's key as it is now: <see cref="ApiKeyStatus.Valid"/> with its record, revoked or
    /// expired (the session is then deleted), or invalid for an unknown or ended session.
    /// </summary>
    public async Task<ApiKeyCheck> CheckAsync(string id)
    {
        if (id.Length is < 40 or > 64 || await store.GetAsync(Key(id)) is not { } json
            || JsonSerializer.Deserialize<DashboardSession>(json, PlatformJson.Options) is not { } session)
        {
            return new ApiKeyCheck(ApiKeyStatus.Invalid, null);
        }

        var now = clock.GetCurrentInstant();
        if (now >= session.ExpiresAt || await registry.GetAsync(session.KeyId) is not { } record || record.PrincipalId != session.PrincipalId)
        {
            await store.DeleteAsync(Key(id));
            return new ApiKeyCheck(ApiKeyStatus.Invalid, null);
        }

        var status = record.RevokedAt is not null ? ApiKeyStatus.Revoked
            : record.ExpiresAt is { } expiry && now >= expiry ? ApiKeyStatus.Expired
            : ApiKeyStatus.Valid;
        if (status != ApiKeyStatus.Valid)
        {
            await store.DeleteAsync(Key(id));
        }

        return new ApiKeyCheck(status, record);
    }

    /// <summary>Ends the session (signing out); true when there was one.</summary>
    public Task<bool> RevokeAsync(string id) => id.Length is < 40 or > 64 ? Task.FromResult(false) : store.DeleteAsync(Key(id));

    private static StoreKey Key(string id) => new("dashboard-session", Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(id))));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
