using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Warnings.Testing;

/// <summary>
/// RSA certificates for signing tests: self-signed ones (pinned signers, CAs) and ones a CA issued,
/// each with its private key, and PEM files of them. (Also compiled into Warnings.Issuing.Tests.)
/// </summary>
public static class TestCertificates
{
    /// <summary>A certificate with its key: self-signed, or issued by <paramref name="issuer"/>; valid from an hour ago for a year unless told.</summary>
    public static X509Certificate2 Create(string name, X509Certificate2? issuer = null, bool ca = false, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}, O=Warnings tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(ca ? X509KeyUsageFlags.KeyCertSign : X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var from = notBefore ?? DateTimeOffset.UtcNow.AddHours(-1);
        var until = notAfter ?? DateTimeOffset.UtcNow.AddYears(ca ? 2 : 1); // a CA outlives what it issues
        if (issuer is null)
        {
            return request.CreateSelfSigned(from, until);
        }

        byte[] serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(issuer, from, until, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the certificate and its key as PEM files in <paramref name="directory"/>; returns their paths.</summary>
    public static (string Certificate, string Key) WritePem(X509Certificate2 certificate, string directory, string name)
    {
        Directory.CreateDirectory(directory);
        string certificatePath = Path.Combine(directory, $"{name}.crt.pem");
        string keyPath = Path.Combine(directory, $"{name}.key.pem");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
