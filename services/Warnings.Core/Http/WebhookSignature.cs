using System.Security.Cryptography;
using System.Text;

namespace Warnings.Core.Http;

/// <summary>
/// How the platform signs what it POSTs to others (channel gateways, partner webhooks), so a
/// receiver can tell it came from us and was not altered: <c>X-Warnings-Signature: sha256=&lt;hex
/// HMAC-SHA256 of the exact body bytes&gt;</c>, keyed with the secret shared with that receiver.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-Warnings-Signature";

    /// <summary>The header value for <paramref name="body"/> under <paramref name="secret"/>.</summary>
    public static string Sign(byte[] secret, ReadOnlySpan<byte> body) => $"sha256={Convert.ToHexStringLower(HMACSHA256.HashData(secret, body))}";

    /// <summary>A secret as configured or registered (UTF-8 text) in the bytes the HMAC is keyed with.</summary>
    public static byte[] SecretBytes(string? secret) => Encoding.UTF8.GetBytes(secret ?? "");

    /// <summary>True when <paramref name="header"/> is the signature of <paramref name="body"/> (constant-time compare).</summary>
    public static bool Verify(byte[] secret, ReadOnlySpan<byte> body, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, body)), Encoding.ASCII.GetBytes(header));
}
