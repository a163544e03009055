using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Warnings.Core.Modules;

namespace Warnings.Issuing.Cap;

/// <summary>
/// The certificate CAP documents are signed with now. Its files are looked at before each signing
/// (a stat per file; documents are written once per published version), and changed files or
/// settings load the new certificate: rotation needs no restart. A certificate that does not load
/// (a half-copied pair, a key of another certificate) leaves the previous one in use, with a warning,
/// until the files are right. Each certificate used is published (<see cref="CapCertificates"/>).
/// </summary>
public sealed class CapSigningKey(IOptionsMonitor<CapSigningOptions> options, CapCertificates published, IClock clock, ILogger<CapSigningKey> logger) : IHostedService
{
    private readonly SemaphoreSlim _load = new(1, 1);
    private volatile Loaded? _current; // a reference, read without the lock

    private sealed class Loaded(string source, X509Certificate2 certificate)
    {
        public string Source { get; } = source;

        public X509Certificate2 Certificate { get; } = certificate;

        public volatile bool Published;
    }

    /// <summary>The default development certificate file: <c>~/.warnings/dev-cap-signing.pem</c>.</summary>
    public static string DefaultDevFile => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".warnings", "dev-cap-signing.pem");

    /// <summary>Signs <paramref name="xml"/> with the current certificate.</summary>
    public async Task<string> SignAsync(string xml) => CapSignature.Sign(xml, await CurrentAsync());

    /// <summary>The current certificate, published before it is used (retried until the store takes it).</summary>
    public async Task<X509Certificate2> CurrentAsync()
    {
        var (certificate, isPublished) = await LoadAsync();
        if (!isPublished)
        {
            await published.PublishAsync(certificate);
            if (_current is { } current && ReferenceEquals(current.Certificate, certificate))
            {
                current.Published = true;
            }
        }

        return certificate;
    }

    private async Task<(X509Certificate2 Certificate, bool Published)> LoadAsync()
    {
        var settings = options.CurrentValue;
        string source = Source(settings);
        if (_current is { } current && current.Source == source)
        {
            return (current.Certificate, current.Published);
        }

        await _load.WaitAsync();
        try
        {
            if (_current is { } loaded && loaded.Source == source)
            {
                return (loaded.Certificate, loaded.Published);
            }

            X509Certificate2 certificate;
            try
            {
                certificate = Load(settings);
            }
            catch (Exception e) when (_current is { } previous && e is CryptographicException or IOException or ArgumentException or PlatformConfigurationException)
            {
                logger.LogWarning(e, "The CAP signing certificate did not load; signing with {Subject} ({Thumbprint}) until it does", previous.Certificate.Subject, CapCertificates.Thumbprint(previous.Certificate));
                return (previous.Certificate, previous.Published);
            }

            logger.LogInformation("Signing CAP with {Subject} ({Thumbprint}, valid until {NotAfter:u})", certificate.Subject, CapCertificates.Thumbprint(certificate), certificate.NotAfter.ToUniversalTime());
            _current = new Loaded(Source(settings), certificate); // as it is now: a development certificate may just have been written

            return (certificate, false);
        }
        finally
        {
            _load.Release();
        }
    }

    /// <summary>
    /// Loads the certificate at start, so bad settings stop the start with a clear message, and
    /// publishes it when the store answers (otherwise before the first signing).
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LoadAsync();
        }
        catch (Exception e) when (e is CryptographicException or IOException or ArgumentException)
        {
            throw new PlatformConfigurationException($"Cap:Signing: the CAP signing certificate does not load: {e.Message}");
        }

        try
        {
            await CurrentAsync();
        }
        catch (Exception e) when (e is not PlatformConfigurationException)
        {
            logger.LogWarning("The CAP signing certificate is not published yet ({Message}); it will be before the first document is signed", e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // What the certificate was loaded from: the settings and a hash of each file's content (a few
    // kilobytes; a replaced file may keep its size, and file times can be coarse), so a rotated
    // file or a changed setting is noticed.
    private static string Source(CapSigningOptions o)
    {
        var files = new[] { o.CertificatePath, o.KeyPath, o.Pkcs12Path, o.DevCertificateFile ?? DefaultDevFile }
            .Select(path => path is null ? "-" : $"{path}@{ContentHash(path)}");
        return string.Join('|', files.Append(o.KeyPassword ?? "").Append(o.Pkcs12Password ?? ""));
    }

    private static string ContentHash(string path)
    {
        try
        {
            return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unreadable"; // missing, or being replaced: the load says what is wrong
        }
    }

    private X509Certificate2 Load(CapSigningOptions o)
    {
        var certificate = o switch
        {
            { Pkcs12Path: { Length: > 0 } pkcs12 } => X509CertificateLoader.LoadPkcs12FromFile(pkcs12, o.Pkcs12Password, X509KeyStorageFlags.EphemeralKeySet),
            { CertificatePath: { Length: > 0 } pem } when o.KeyPassword is { Length: > 0 } password => X509Certificate2.CreateFromEncryptedPemFile(pem, password, o.KeyPath),
            { CertificatePath: { Length: > 0 } pem } => X509Certificate2.CreateFromPemFile(pem, o.KeyPath),
            { KeyPath: { Length: > 0 } } => throw new PlatformConfigurationException("Cap:Signing:KeyPath is set without Cap:Signing:CertificatePath."),
            _ => DevCertificate.LoadOrCreate(o.DevCertificateFile ?? DefaultDevFile, clock.GetCurrentInstant(), logger),
        };
        if (!certificate.HasPrivateKey || certificate.GetRSAPublicKey() is null)
        {
            throw new PlatformConfigurationException($"the CAP signing certificate {certificate.Subject} needs an RSA key and its private part (CAP is signed RSA-SHA256).");
        }

        return certificate;
    }
}
