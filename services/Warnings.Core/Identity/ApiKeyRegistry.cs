using System.Text.Json;
using Microsoft.Extensions.Options;
using NodaTime;
using Warnings.Core.Json;
using Warnings.Core.Storage;

namespace Warnings.Core.Identity;

public enum ApiKeyStatus
{
    Valid,
    Invalid,
    Revoked,
    Expired,
}

/// <summary>The result of checking a presented key: its status and, unless invalid, its record.</summary>
public readonly record struct ApiKeyCheck(ApiKeyStatus Status, ApiKeyRecord? Record);

/// <summary>
/// Where API keys live: in configuration (re-read on reload) and in the store (<c>apikey:{id}</c>).
/// Every check reads the current state, so a revocation holds on every instance from the next call.
/// </summary>
public sealed class ApiKeyRegistry(IStateStore store, IOptionsMonitor<IdentityOptions> options, IClock clock)
{
    private static readonly StoreKey Index = new("apikey-index", "all");

    /// <summary>Checks a key as presented by a caller.</summary>
    public async Task<ApiKeyCheck> CheckAsync(string presented)
    {
        if (ApiKeyFormat.KeyIdOf(presented) is not { } keyId || await GetAsync(keyId) is not { } record || !ApiKeyFormat.Matches(presented, record.Hash))
        {
            return new ApiKeyCheck(ApiKeyStatus.Invalid, null);
        }

        if (record.RevokedAt is not null)
        {
            return new ApiKeyCheck(ApiKeyStatus.Revoked, record);
        }

        return record.ExpiresAt is { } expiry && clock.GetCurrentInstant() >= expiry
            ? new ApiKeyCheck(ApiKeyStatus.Expired, record)
            : new ApiKeyCheck(ApiKeyStatus.Valid, record);
    }

    /// <summary>The key with this id, from configuration first, then the store.</summary>
    public async Task<ApiKeyRecord?> GetAsync(string keyId)
    {
        if (options.CurrentValue.ApiKeys.FirstOrDefault(k => k.KeyId == keyId) is { } configured)
        {
            return FromConfiguration(configured);
        }

        return await store.GetAsync(Key(keyId)) is { } json ? JsonSerializer.Deserialize<ApiKeyRecord>(json, PlatformJson.Options) : null;
    }

    /// <summary>Writes a key record to the store (a new key, or a revocation).</summary>
    public async Task SaveAsync(ApiKeyRecord record)
    {
        await store.SetAsync(Key(record.KeyId), JsonSerializer.Serialize(record, PlatformJson.Options));
        await store.HashSetIfAbsentAsync(Index, record.KeyId, record.PrincipalId);
    }

    /// <summary>Keys in the store, oldest first (configured keys are listed in configuration).</summary>
    public async Task<IReadOnlyList<ApiKeyRecord>> ListStoredAsync()
    {
        var records = new List<ApiKeyRecord>();
        foreach (var keyId in (await store.HashGetAllAsync(Index)).Keys)
        {
            if (await store.GetAsync(Key(keyId)) is { } json)
            {
                records.Add(JsonSerializer.Deserialize<ApiKeyRecord>(json, PlatformJson.Options)!);
            }
        }

        return records.OrderBy(r => r.IssuedAt).ThenBy(r => r.KeyId, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every key (configured and issued, revoked and expired included) of one principal.</summary>
    public async Task<IReadOnlyList<ApiKeyRecord>> KeysOfAsync(string principalId)
    {
        var keys = options.CurrentValue.ApiKeys.Where(k => k.PrincipalId == principalId).Select(FromConfiguration).ToList();
        foreach (var (keyId, owner) in await store.HashGetAllAsync(Index))
        {
            if (owner == principalId && await store.GetAsync(Key(keyId)) is { } json)
            {
                keys.Add(JsonSerializer.Deserialize<ApiKeyRecord>(json, PlatformJson.Options)!);
            }
        }

        return keys;
    }

    /// <summary>Whether a key may be used now: not revoked, not expired.</summary>
    public bool IsUsable(ApiKeyRecord record) =>
        record.RevokedAt is null && (record.ExpiresAt is not { } expiry || clock.GetCurrentInstant() < expiry);

    private static StoreKey Key(string keyId) => new("apikey", keyId);

    private static ApiKeyRecord FromConfiguration(ConfiguredApiKey key) => new(
        key.KeyId, key.Hash, key.PrincipalId, key.Roles, key.Department, key.District, key.Hazards, key.Districts, key.MinimumLevel,
        Instant.FromUnixTimeSeconds(0), "configuration");
}
