namespace Warnings.Platform.Hosting;

/// <summary>The host's own settings, bound from the <c>Platform</c> configuration section.</summary>
public sealed class PlatformOptions
{
    public const string Section = "Platform";

    /// <summary>
    /// Comma-separated module names, or <c>all</c> (the default). <c>--modules a,b</c> on the command
    /// line and <c>Platform__Modules</c> in the environment set it.
    /// </summary>
    public string Modules { get; set; } = "all";

    /// <summary>gRPC endpoint, HTTP/2 only (cleartext unless https). Loopback by default.</summary>
    public string GrpcUrl { get; set; } = "http://127.0.0.1:5100";

    /// <summary>HTTP/1.1 endpoint for REST, health and web pages. Loopback by default.</summary>
    public string HttpUrl { get; set; } = "http://127.0.0.1:5101";

    /// <summary>The certificate both endpoints serve when their URLs are https.</summary>
    public CertificateOptions Certificate { get; set; } = new();

    /// <summary>Name of this process in logs, probe receipts and PlatformInfo; default host-pid.</summary>
    public string? InstanceName { get; set; }
}

/// <summary>
/// A TLS certificate: a PKCS#12 file (<c>Path</c>, optional <c>Password</c>), or a PEM certificate
/// (<c>Path</c>) with its PEM key (<c>KeyPath</c>).
/// </summary>
public sealed class CertificateOptions
{
    public string? Path { get; set; }

    public string? KeyPath { get; set; }

    public string? Password { get; set; }
}
