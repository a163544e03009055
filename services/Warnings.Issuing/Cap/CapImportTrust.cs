using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;

namespace Warnings.Issuing.Cap;

/// <summary>
/// The import side of signed CAP: reads the trusted certificates (<c>Cap:Import:TrustedCertificates</c>,
/// re-read on each import, so a new partner certificate needs no restart), checks an alert with
/// <see cref="CapSignatureCheck"/>, and either names its signer or refuses it with its reason code.
/// </summary>
public sealed class CapImportTrust(IOptionsMonitor<CapImportOptions> options, CapCertificates own, IClock clock, ILogger<CapImportTrust> logger)
{
    private static readonly string[] CertificateFiles = ["*.pem", "*.crt", "*.cer"];

    /// <summary>
    /// The verified signer of <paramref name="xml"/>, null when unsigned and allowed; throws the typed
    /// refusal otherwise. Besides the configured certificates, the platform's own published ones are
    /// trusted: its own alerts import back.
    /// </summary>
    public async Task<CapSigner?> VerifyAsync(string xml)
    {
        var settings = options.CurrentValue;
        var published = new X509Certificate2Collection();
        foreach (var certificate in await own.ListAsync())
        {
            published.ImportFromPem(certificate.Pem);
        }

        var outcome = CapSignatureCheck.Check(xml, Trusted(settings), clock.GetCurrentInstant().ToDateTimeOffset(), published);
        if (outcome.IsUnsigned && settings.RequireSignature)
        {
            outcome = new CapSignatureCheck.Outcome(null, CapSignatureCheck.SignatureRequired, "the alert is not signed, and this platform imports signed alerts only (Cap:Import:RequireSignature)");
        }

        if (outcome.ErrorReason is { } reason)
        {
            new FieldViolations().Add("cap_xml", outcome.Problem!).ThrowIfAny(reason);
        }

        return outcome.Signer is { } signer ? new CapSigner { Subject = signer.Subject, Thumbprint = CapCertificates.Thumbprint(signer) } : null;
    }

    private X509Certificate2Collection Trusted(CapImportOptions settings)
    {
        var trusted = new X509Certificate2Collection();
        foreach (string path in (settings.TrustedCertificates ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var files = Directory.Exists(path) ? CertificateFiles.SelectMany(pattern => Directory.EnumerateFiles(path, pattern)) : [path];
            foreach (string file in files)
            {
                try
                {
                    trusted.ImportFromPemFile(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
                {
                    logger.LogWarning("Cap:Import:TrustedCertificates: {File} is not readable as PEM certificates: {Message}", file, e.Message);
                }
            }
        }

        return trusted;
    }
}
