using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace Warnings.Core.Http;

/// <summary>
/// How the platform signs what it POSTs to others (channel gateways, partner webhooks), so a
/// receiver can tell it came from us, was not altered, and is not an old request replayed:
/// <c>X-Warnings-Timestamp: &lt;unix seconds&gt;</c> and <c>X-Warnings-Signature: sha256=&lt;hex
/// HMAC-SHA256 of "{timestamp}." followed by the exact body bytes&gt;</c>, keyed with the secret shared
/// with that receiver (the scheme Stripe and Slack use). A receiver recomputes the HMAC, compares in
/// constant time, and refuses a timestamp more than <see cref="Tolerance"/> away from its clock.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-Warnings-Signature";

    public const string TimestampHeader = "X-Warnings-Timestamp";

    /// <summary>How far a receiver should accept the timestamp from its own clock (5 minutes).</summary>
    public static readonly Duration Tolerance = Duration.FromMinutes(5);

    /// <summary>The signature header value for <paramref name="body"/> sent at <paramref name="timestamp"/> (unix seconds).</summary>
    public static string Sign(byte[] secret, long timestamp, ReadOnlySpan<byte> body)
    {
        byte[] prefix = Encoding.ASCII.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.");
        byte[] signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return $"sha256={Convert.ToHexStringLower(HMACSHA256.HashData(secret, signed))}";
    }

    /// <summary>Adds both headers for a request sent at <paramref name="at"/>.</summary>
    public static void Apply(HttpRequestMessage request, byte[] secret, Instant at, byte[] body)
    {
        long timestamp = at.ToUnixTimeSeconds();
        request.Headers.Add(TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(Header, Sign(secret, timestamp, body));
    }

    /// <summary>A secret as configured or registered (UTF-8 text) in the bytes the HMAC is keyed with.</summary>
    public static byte[] SecretBytes(string? secret) => Encoding.UTF8.GetBytes(secret ?? "");

    /// <summary>
    /// True when <paramref name="signature"/> signs <paramref name="body"/> at <paramref name="timestamp"/>
    /// (constant-time compare) and the timestamp is within <see cref="Tolerance"/> of <paramref name="now"/>.
    /// </summary>
    public static bool Verify(byte[] secret, string? timestamp, ReadOnlySpan<byte> body, string? signature, Instant now)
    {
        if (signature is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > (long)Tolerance.TotalSeconds)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, seconds, body)), Encoding.ASCII.GetBytes(signature));
    }
}
