namespace Warnings.Issuing.Cap;

/// <summary>
/// <c>Cap:Signing</c>: the X.509 certificate and RSA key CAP documents are signed with, as PEM
/// files (<see cref="CertificatePath"/> and <see cref="KeyPath"/>) or one PKCS#12 file with its
/// password. Neither given: a development certificate, generated on first start and kept in
/// <see cref="DevCertificateFile"/>. The files are re-read when they change (key rotation needs no restart).
/// </summary>
public sealed class CapSigningOptions
{
    public const string Section = "Cap:Signing";

    /// <summary>The certificate, PEM (the key may follow it in the same file).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The private key, PEM (PKCS#8, PKCS#1 or encrypted PKCS#8 with <see cref="KeyPassword"/>); absent: in <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of an encrypted PEM key.</summary>
    public string? KeyPassword { get; set; }

    /// <summary>A PKCS#12 (.pfx/.p12) file holding certificate and key, instead of PEM files.</summary>
    public string? Pkcs12Path { get; set; }

    /// <summary>The PKCS#12 file's password (a key-per-file secret: <c>Cap__Signing__Pkcs12Password</c>).</summary>
    public string? Pkcs12Password { get; set; }

    /// <summary>Where the development certificate is kept; default <c>~/.warnings/dev-cap-signing.pem</c>.</summary>
    public string? DevCertificateFile { get; set; }
}

/// <summary><c>Cap:Import</c>: which signed alerts <c>ImportCapDraft</c> trusts.</summary>
public sealed class CapImportOptions
{
    public const string Section = "Cap:Import";

    /// <summary>
    /// PEM files or directories of them (<c>*.pem</c>, <c>*.crt</c>, <c>*.cer</c>), separated by
    /// <c>;</c>: a signer's certificate pinned as it is, or a CA the signer's chain ends in. Re-read on every import.
    /// </summary>
    public string? TrustedCertificates { get; set; }

    /// <summary>Refuse unsigned alerts (CAP_SIGNATURE_REQUIRED); default false: unsigned alerts import as before.</summary>
    public bool RequireSignature { get; set; }
}
