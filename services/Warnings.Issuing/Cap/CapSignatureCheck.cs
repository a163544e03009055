using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;

namespace Warnings.Issuing.Cap;

/// <summary>
/// Verifies the enveloped XML-DSig signature of a CAP alert against trusted certificates, strictly
/// enough to rule out the known pitfalls: exactly one <c>Signature</c>, a child of <c>alert</c>;
/// exactly one Reference, <c>URI=""</c> (the whole document, so no element can be wrapped in or
/// moved out of what was signed); only the enveloped-signature and C14N transforms (no XSLT, no
/// XPath, nothing fetched); SHA-256 or stronger; no <c>Object</c>; the key from the certificate in
/// <c>KeyInfo</c>, which must be pinned or chain to a trusted CA at the alert's <c>sent</c> time, or
/// be one of the platform's own.
/// </summary>
public static class CapSignatureCheck
{
    public const string SignatureInvalid = "CAP_SIGNATURE_INVALID";
    public const string SignerUntrusted = "CAP_SIGNER_UNTRUSTED";
    public const string SignatureRequired = "CAP_SIGNATURE_REQUIRED";

    /// <summary>What the check found: no signature, a trusted signer, or a refusal with its reason code and words.</summary>
    public sealed record Outcome(X509Certificate2? Signer, string? ErrorReason, string? Problem)
    {
        public bool IsUnsigned => Signer is null && ErrorReason is null;
    }

    private static readonly Outcome Unsigned = new(null, null, null);

    private static readonly HashSet<string> Canonicalizations = [SignedXml.XmlDsigExcC14NTransformUrl, SignedXml.XmlDsigC14NTransformUrl];
    private static readonly HashSet<string> Transforms = [SignedXml.XmlDsigEnvelopedSignatureTransformUrl, .. Canonicalizations];
    private static readonly HashSet<string> SignatureMethods = [SignedXml.XmlDsigRSASHA256Url, SignedXml.XmlDsigRSASHA384Url, SignedXml.XmlDsigRSASHA512Url];
    private static readonly HashSet<string> DigestMethods = [SignedXml.XmlDsigSHA256Url, SignedXml.XmlDsigSHA384Url, SignedXml.XmlDsigSHA512Url];

    /// <summary>
    /// Checks <paramref name="xml"/>. Text that is not XML counts as unsigned (the CAP reader refuses it
    /// with its own reasons); <paramref name="now"/> is the time used when the alert has no readable <c>sent</c>.
    /// <paramref name="own"/>: certificates this platform signed with, trusted whatever their validity
    /// (it published them, and a document it signed may be re-imported long after).
    /// </summary>
    public static Outcome Check(string xml, X509Certificate2Collection trusted, DateTimeOffset now, X509Certificate2Collection? own = null)
    {
        // Without the XML-DSig namespace written out there is no signature to check, and unsigned
        // text costs nothing more here. (A namespace spelt with character references is not seen:
        // its signature is then ignored, the alert counts as unsigned, and RequireSignature refuses it.)
        if (!xml.Contains(CapSignature.DsigNamespace, StringComparison.Ordinal))
        {
            return Unsigned;
        }

        XmlDocument document;
        try
        {
            // One streaming pass first: an unsigned alert needs no tree, and a signed one is built
            // into a DOM (quadratic in attributes per element) and canonicalised (recursive) only
            // when its shape is sane.
            switch (Scan(xml))
            {
                case (0, _, _):
                    return Unsigned;
                case (_, int depth, _) when depth > CapSchema.MaxDepth:
                    return Invalid($"elements nested deeper than {CapSchema.MaxDepth} levels");
                case (_, _, int attributes) when attributes > MaxAttributes:
                    return Invalid($"an element with {attributes} attributes: CAP and XML-DSig need at most a few");
            }

            document = CapSignature.Load(xml);
        }
        catch (XmlException)
        {
            return Unsigned; // not XML: the CAP reader refuses it with its own words
        }

        var signatures = document.GetElementsByTagName("Signature", CapSignature.DsigNamespace);
        if (signatures.Count == 0)
        {
            return Unsigned;
        }

        if (signatures.Count > 1)
        {
            return Invalid($"{signatures.Count} Signature elements: a CAP alert carries one");
        }

        var element = (XmlElement)signatures[0]!;
        if (element.ParentNode != document.DocumentElement)
        {
            return Invalid("the Signature must be a child of the alert element");
        }

        var signed = new SignedXml(document);
        try
        {
            signed.LoadXml(element);
        }
        catch (CryptographicException e)
        {
            return Invalid($"the Signature element is malformed: {e.Message}");
        }

        if (Shape(signed) is { } problem)
        {
            return Invalid(problem);
        }

        var certificates = signed.KeyInfo.OfType<KeyInfoX509Data>().SelectMany(d => d.Certificates?.OfType<X509Certificate2>() ?? []).ToList();
        if (certificates.Count == 0)
        {
            return Invalid("KeyInfo carries no X509Certificate: the signer's certificate must travel with the signature");
        }

        X509Certificate2? signer;
        try
        {
            signer = certificates.FirstOrDefault(c => c.GetRSAPublicKey() is { } key && signed.CheckSignature(key));
        }
        catch (CryptographicException e)
        {
            return Invalid($"the signature cannot be checked: {e.Message}");
        }

        if (signer is null)
        {
            return Invalid("the signature does not verify: the document was changed after it was signed, or the key is not the certificate's");
        }

        var at = SentTime(document) ?? now;
        return own?.Any(c => c.RawDataMemory.Span.SequenceEqual(signer.RawDataMemory.Span)) == true || Trusted(signer, certificates, trusted, at)
            ? new Outcome(signer, null, null)
            : new Outcome(null, SignerUntrusted, $"the signer {signer.Subject} ({CapCertificates.Thumbprint(signer)}) is not trusted at {at:u}: neither pinned nor issued by a trusted CA (Cap:Import:TrustedCertificates)");
    }

    private static Outcome Invalid(string problem) => new(null, SignatureInvalid, problem);

    /// <summary>Most attributes (namespace declarations included) one element of a signed alert may have.</summary>
    public const int MaxAttributes = 32;

    private static (int Signatures, int Depth, int Attributes) Scan(string xml)
    {
        int signatures = 0, depth = 0, attributes = 0;
        using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                signatures += reader.LocalName == "Signature" && reader.NamespaceURI == CapSignature.DsigNamespace ? 1 : 0;
                depth = Math.Max(depth, reader.Depth);
                attributes = Math.Max(attributes, reader.AttributeCount);
            }
        }

        return (signatures, depth, attributes);
    }

    // The one shape accepted: a whole-document enveloped signature with safe algorithms only.
    private static string? Shape(SignedXml signed)
    {
        var info = signed.SignedInfo!;
        if (!Canonicalizations.Contains(info.CanonicalizationMethod))
        {
            return $"canonicalisation {info.CanonicalizationMethod} is not accepted (exclusive or inclusive C14N)";
        }

        if (!SignatureMethods.Contains(info.SignatureMethod ?? ""))
        {
            return $"signature method {info.SignatureMethod} is not accepted (RSA with SHA-256 or stronger)";
        }

        if (info.References.Count != 1 || info.References[0] is not Reference reference)
        {
            return $"{info.References.Count} References: a CAP signature has exactly one, URI=\"\"";
        }

        if (reference.Uri != "")
        {
            return $"the Reference URI is \"{reference.Uri}\": it must be \"\" (the whole alert), nothing else is accepted";
        }

        if (!DigestMethods.Contains(reference.DigestMethod))
        {
            return $"digest {reference.DigestMethod} is not accepted (SHA-256 or stronger)";
        }

        var transforms = Enumerable.Range(0, reference.TransformChain.Count).Select(i => reference.TransformChain[i].Algorithm ?? "").ToList();
        if (transforms.FirstOrDefault(t => !Transforms.Contains(t)) is { } bad)
        {
            return $"transform {bad} is not accepted (only enveloped-signature and C14N)";
        }

        if (!transforms.Contains(SignedXml.XmlDsigEnvelopedSignatureTransformUrl))
        {
            return "the Reference lacks the enveloped-signature transform";
        }

        return signed.Signature.ObjectList.Count > 0 ? "the Signature carries Object elements: a CAP signature has none" : null;
    }

    private static bool Trusted(X509Certificate2 signer, List<X509Certificate2> carried, X509Certificate2Collection trusted, DateTimeOffset at)
    {
        bool valid = signer.NotBefore <= at && at <= signer.NotAfter;
        if (trusted.Any(t => t.RawDataMemory.Span.SequenceEqual(signer.RawDataMemory.Span)))
        {
            return valid; // pinned
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        foreach (var certificate in trusted)
        {
            (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData) ? chain.ChainPolicy.CustomTrustStore : chain.ChainPolicy.ExtraStore).Add(certificate);
        }

        chain.ChainPolicy.ExtraStore.AddRange(carried.Where(c => c != signer).ToArray());
        return chain.ChainPolicy.CustomTrustStore.Count > 0 && chain.Build(signer);
    }

    private static DateTimeOffset? SentTime(XmlDocument document) =>
        document.DocumentElement?["sent", CapWriter.Cap.NamespaceName]?.InnerText is { } sent && DateTimeOffset.TryParse(sent, System.Globalization.CultureInfo.InvariantCulture, out var time)
            ? time
            : null;
}
