using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using NodaTime;
using Warnings.Core.Json;
using Warnings.Core.Storage;

namespace Warnings.Issuing.Cap;

/// <summary>
/// Every certificate the platform has signed CAP with, kept for good (one hash field per
/// certificate, first writer wins) and published at <c>GET /cap/certificates</c>: a document signed
/// years ago stays verifiable after any number of key rotations, because its certificate stays listed.
/// </summary>
public sealed class CapCertificates(IStateStore store, IClock clock)
{
    private static readonly StoreKey Key = new("cap-certificates", "signing");

    /// <summary>One published certificate, with its validity and when the platform first used it.</summary>
    public sealed record Published(string Thumbprint, string Subject, string Issuer, Instant NotBefore, Instant NotAfter, Instant PublishedAt, string Pem);

    /// <summary>The SHA-256 thumbprint, lower-case hex: the name of a certificate on the certificates URL.</summary>
    public static string Thumbprint(X509Certificate2 certificate) => Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));

    /// <summary>Whether <paramref name="value"/> has the shape of a <see cref="Thumbprint"/>.</summary>
    public static bool IsThumbprint(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigitLower);

    /// <summary>Publishes <paramref name="certificate"/> (the public part only); publishing it again changes nothing.</summary>
    public Task PublishAsync(X509Certificate2 certificate)
    {
        var published = new Published(Thumbprint(certificate), certificate.Subject, certificate.Issuer,
            Instant.FromDateTimeUtc(certificate.NotBefore.ToUniversalTime()), Instant.FromDateTimeUtc(certificate.NotAfter.ToUniversalTime()),
            clock.GetCurrentInstant(), certificate.ExportCertificatePem());
        return store.HashSetIfAbsentAsync(Key, published.Thumbprint, JsonSerializer.Serialize(published, PlatformJson.Options));
    }

    /// <summary>Every published certificate, newest first.</summary>
    public async Task<IReadOnlyList<Published>> ListAsync()
    {
        var all = await store.HashGetAllAsync(Key);
        return [.. all.Values.Select(json => JsonSerializer.Deserialize<Published>(json, PlatformJson.Options)!).OrderByDescending(c => c.PublishedAt)];
    }

    /// <summary>The published certificate with this thumbprint, or null.</summary>
    public async Task<Published?> FindAsync(string thumbprint) =>
        IsThumbprint(thumbprint) ? (await ListAsync()).FirstOrDefault(c => c.Thumbprint == thumbprint) : null;
}
