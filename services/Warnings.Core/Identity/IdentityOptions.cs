namespace Warnings.Core.Identity;

/// <summary>Authentication, rate limiting and development keys, bound from the <c>Identity</c> section.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>
    /// Keys from configuration (hashes only), e.g. for bootstrap operators. Re-read when the
    /// configuration reloads, so they rotate without a restart, like keys in the store.
    /// </summary>
    public List<ConfiguredApiKey> ApiKeys { get; set; } = [];

    public JwtOptions Jwt { get; set; } = new();

    public RateLimitOptions RateLimit { get; set; } = new();

    public DevKeyOptions DevKeys { get; set; } = new();
}

/// <summary>An API key given in configuration: its id, the SHA-256 (hex) of the whole key, and its principal.</summary>
public sealed class ConfiguredApiKey
{
    public string KeyId { get; set; } = "";

    public string Hash { get; set; } = "";

    public string PrincipalId { get; set; } = "";

    public List<string> Roles { get; set; } = [];

    public string? Department { get; set; }

    public string? District { get; set; }

    public List<string> Hazards { get; set; } = [];

    public List<string> Districts { get; set; } = [];

    public string? MinimumLevel { get; set; }
}

/// <summary>JWT bearer tokens from a city single sign-on; off unless a signing key is given.</summary>
public sealed class JwtOptions
{
    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    /// <summary>HMAC-SHA256 signing key: base64 (at least 32 bytes once decoded).</summary>
    public string? SigningKey { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(SigningKey);
}

/// <summary>Per-principal limit on mutating calls, per instance (token bucket).</summary>
public sealed class RateLimitOptions
{
    public int MutatingCallsPerMinute { get; set; } = 600;

    public int Burst { get; set; } = 60;
}

/// <summary>One key per role for local use, written to an owner-only file (the embedded default).</summary>
public sealed class DevKeyOptions
{
    /// <summary>Default: on with the in-memory store, off with Redis.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Default: <c>~/.warnings/dev-api-keys.json</c>.</summary>
    public string? File { get; set; }
}
