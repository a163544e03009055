using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;

namespace Warnings.Issuing.Cap;

/// <summary>
/// The enveloped W3C XML Signature every CAP document carries, as the last child of <c>alert</c>
/// (where the CAP 1.2 schema allows elements of the XML-DSig namespace): one Reference with
/// <c>URI=""</c> (the whole document), the enveloped-signature and exclusive canonicalisation
/// transforms, a SHA-256 digest, RSA-SHA256, and the signing certificate in <c>KeyInfo</c>
/// (<c>X509Data</c>), so anyone holding a published certificate can check it with any implementation
/// (xmlsec1, Apache Santuario, .NET).
/// </summary>
public static class CapSignature
{
    public const string DsigNamespace = SignedXml.XmlDsigNamespaceUrl;

    /// <summary>
    /// <paramref name="xml"/> (an unsigned CAP document) with its signature made with
    /// <paramref name="certificate"/>'s RSA key. The text outside the appended element is unchanged:
    /// the stored bytes are the signed bytes, and nobody may re-serialise them.
    /// </summary>
    public static string Sign(string xml, X509Certificate2 certificate)
    {
        using var key = certificate.GetRSAPrivateKey()
            ?? throw new CryptographicException($"The CAP signing certificate {certificate.Subject} has no RSA private key.");
        var document = Load(xml);
        // A line break before the signature, signed like the rest of the document (the enveloped
        // transform removes only the Signature element), so the document reads as before.
        document.DocumentElement!.AppendChild(document.CreateWhitespace(Environment.NewLine));

        var signed = new SignedXml(document) { SigningKey = key };
        signed.SignedInfo!.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        signed.SignedInfo.SignatureMethod = SignedXml.XmlDsigRSASHA256Url;
        var reference = new Reference("") { DigestMethod = SignedXml.XmlDsigSHA256Url };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signed.AddReference(reference);
        var keyInfo = new KeyInfo();
        // The certificate only, no KeyValue: a verifier that takes a bare key from the document
        // (xmlsec1 does unless told --enabled-key-data x509) would trust whoever signed it.
        keyInfo.AddClause(new KeyInfoX509Data(certificate));
        signed.KeyInfo = keyInfo;
        signed.ComputeSignature();

        document.DocumentElement.AppendChild(document.ImportNode(signed.GetXml(), deep: true));
        return document.OuterXml;
    }

    // Whitespace kept as written (it is signed), no DTD, nothing resolved.
    internal static XmlDocument Load(string xml)
    {
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
        });
        document.Load(reader);
        return document;
    }
}
