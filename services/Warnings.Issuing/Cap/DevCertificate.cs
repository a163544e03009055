using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using NodaTime;
using Warnings.Core.Hosting;

namespace Warnings.Issuing.Cap;

/// <summary>
/// The embedded default's CAP signing certificate: when no <c>Cap:Signing</c> certificate is
/// configured, a self-signed RSA certificate is generated on first start and written, with its key,
/// to an owner-only PEM file (as the development API keys are); later starts load the same one, so
/// documents signed before a restart stay verifiable with the same published certificate.
/// </summary>
internal static class DevCertificate
{
    public static X509Certificate2 LoadOrCreate(string path, Instant now, ILogger logger)
    {
        if (!File.Exists(path))
        {
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("The development CAP certificate needs a Unix file system for owner-only permissions.");
            }

            Write(path, Create(now.ToDateTimeOffset()));
            logger.LogWarning("Generated a development CAP signing certificate in {Path}; configure Cap:Signing for production", path);
        }

        return X509Certificate2.CreateFromPemFile(path);
    }

    private static X509Certificate2 Create(DateTimeOffset now)
    {
        using var key = RSA.Create(3072);
        var request = new CertificateRequest("CN=Warnings development CAP signing, O=Shanghai Warning Publication Centre (development)",
            key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(5));
    }

    // Owner-only from the first byte; written under a temporary name and moved into place without
    // overwriting, so two instances starting together end up with one certificate (the first one's).
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Write(string path, X509Certificate2 certificate) =>
        OwnerOnlyFile.Write(path, file =>
        {
            using var writer = new StreamWriter(file);
            writer.WriteLine(certificate.ExportCertificatePem());
            writer.WriteLine(certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        }, overwrite: false);
}
