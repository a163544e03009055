using System.Security.Cryptography;
using System.Text;

namespace Warnings.Core.Identity;

/// <summary>
/// The random secrets browser sessions and pairing codes are made of (256 bits, base64url) and the
/// hash the store keeps of them instead, so a copy of the store signs no one in.
/// </summary>
public static class SessionSecrets
{
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(secret)));

    /// <summary>True for a string the length of a secret (43 characters), before it is looked up.</summary>
    public static bool Plausible(string secret) => secret.Length is >= 40 and <= 64;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
