using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Xml.Linq;
using Warnings.Contracts.V1;
using Warnings.Issuing.Cap;
using Warnings.Platform.Tests.Feeds;
using Warnings.Testing;

namespace Warnings.Platform.Tests.Issuing;

/// <summary>
/// The feed platform (every path that hands out CAP, webhooks included) signing with PEM files in a
/// temporary directory (so a test can rotate them) and trusting one partner certificate on import.
/// </summary>
public sealed class SignedCapFixture : FeedFixture
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("warnings-cap-signing-").FullName;

    /// <summary>The partner certificate in <c>Cap:Import:TrustedCertificates</c> (pinned).</summary>
    public X509Certificate2 Partner { get; } = TestCertificates.Create("Partner warnings");

    public string SigningDirectory => Path.Combine(Directory, "signing");

    /// <summary>Writes <paramref name="certificate"/> as the signing certificate and key, as an operator rotating the key would.</summary>
    public void UseSigningCertificate(X509Certificate2 certificate) => TestCertificates.WritePem(certificate, SigningDirectory, "cap");

    protected override IEnumerable<KeyValuePair<string, string?>> MoreSettings()
    {
        UseSigningCertificate(TestCertificates.Create("Warnings CAP signing (test)"));
        string trusted = Path.Combine(Directory, "trusted");
        System.IO.Directory.CreateDirectory(trusted);
        File.WriteAllText(Path.Combine(trusted, "partner.pem"), Partner.ExportCertificatePem());
        return new Dictionary<string, string?>
        {
            ["Cap:Signing:CertificatePath"] = Path.Combine(SigningDirectory, "cap.crt.pem"),
            ["Cap:Signing:KeyPath"] = Path.Combine(SigningDirectory, "cap.key.pem"),
            ["Cap:Import:TrustedCertificates"] = trusted,
        };
    }

    /// <summary>The certificate carried in a signed document's KeyInfo.</summary>
    public static X509Certificate2 SignerOf(string xml) =>
        X509CertificateLoader.LoadCertificate(Convert.FromBase64String(XDocument.Parse(xml).Descendants(XName.Get("X509Certificate", CapSignature.DsigNamespace)).Single().Value));

    /// <summary>The published certificates list: the current thumbprint and every listed thumbprint.</summary>
    public async Task<(string Current, IReadOnlyList<string> Listed)> CertificatesAsync()
    {
        using var response = await Platform.Http.GetAsync(CapCertificateEndpoints.ListPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("current").GetString()!,
            [.. json.RootElement.GetProperty("certificates").EnumerateArray().Select(c => c.GetProperty("thumbprint").GetString()!)]);
    }

    /// <summary>A published certificate as PEM, fetched as a partner would.</summary>
    public async Task<string> CertificatePemAsync(string thumbprint)
    {
        using var response = await Platform.Http.GetAsync($"{CapCertificateEndpoints.ListPath}/{thumbprint}.pem");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The published version's CAP document from GetCap.</summary>
    public async Task<string> CapAsync(Warning warning) => (await Officer.GetCapAsync(new GetCapRequest { WarningId = warning.Id })).Xml;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
