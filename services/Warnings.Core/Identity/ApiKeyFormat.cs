using System.Security.Cryptography;
using System.Text;

namespace Warnings.Core.Identity;

/// <summary>
/// API keys look like <c>wk_{key id}_{secret}</c>: 12 hex characters that name the key (safe to log
/// and to show in audit) and 32 random bytes in base64url. Only the SHA-256 of the whole key is
/// stored; a fast hash is right here because the secret is random, not a password.
/// </summary>
public static class ApiKeyFormat
{
    private const string Prefix = "wk_";

    /// <summary>A new random key and its id.</summary>
    public static (string KeyId, string Key) Generate()
    {
        string keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        string secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (keyId, $"{Prefix}{keyId}_{secret}");
    }

    /// <summary>The key id of a presented key, or null when it does not have the key shape.</summary>
    public static string? KeyIdOf(string presented)
    {
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length < Prefix.Length + 14)
        {
            return null;
        }

        string keyId = presented.Substring(Prefix.Length, 12);
        return presented[Prefix.Length + 12] == '_' && keyId.All(char.IsAsciiHexDigitLower) ? keyId : null;
    }

    /// <summary>SHA-256 of the key, lower-case hex: what is stored and configured.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Compares a presented key with a stored hash in constant time.</summary>
    public static bool Matches(string presented, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(presented)), Encoding.ASCII.GetBytes(storedHash.ToLowerInvariant()));
}
