using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Issuing.Cap;
using Warnings.PublicationList.Domain;
using Warnings.Testing;

namespace Warnings.Issuing.Tests.Cap;

/// <summary>
/// The enveloped XML-DSig signature of CAP documents: signed documents stay valid CAP 1.2 and
/// importable, and the import check accepts a trusted signer and refuses tampering, strangers, and
/// the known XML-DSig tricks (a second signature, a partial reference, XSLT, wrapping).
/// </summary>
public class CapSignatureTests
{
    private static readonly XNamespace Ns = CapWriter.Cap;
    private static readonly XNamespace Ds = CapSignature.DsigNamespace;
    private static readonly Instant Sent = SystemClock.Instance.GetCurrentInstant();
    private static readonly X509Certificate2 Signer = TestCertificates.Create("CAP signer");
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static string Unsigned() => CapWriter.ToXml(new PublishedWarningVersion(
        "w-0123456789abcdef", 1, "Alert", [], "SMB", "typhoon", "red", ["310101"], Sent, Sent + Duration.FromHours(12), ["sms"],
        [new WarningTextContent("zh-CN", "台风红色预警", "预计12小时内受台风严重影响。", "停课停工。"), new WarningTextContent("en", "Red typhoon warning", "Severe impact expected.", "Stay indoors.")],
        "021-12121", [], 7, false, Sent, "officer"), ListNames.From(CapTests.List));

    private static string Signed(X509Certificate2? signer = null) => CapSignature.Sign(Unsigned(), signer ?? Signer);

    private static X509Certificate2Collection Trust(params X509Certificate2[] certificates) => [.. certificates.Select(c => X509CertificateLoader.LoadCertificate(c.RawData))];

    [Fact]
    public void A_signed_document_is_valid_CAP_with_one_whole_document_signature_carrying_its_certificate()
    {
        string xml = Signed();

        var (document, errors) = CapSchema.Parse(xml);
        Assert.Empty(errors); // the schema's <any namespace="xmldsig"> at the end of alert
        var signature = Assert.Single(document!.Descendants(Ds + "Signature"));
        Assert.Equal(document.Root, signature.Parent);
        Assert.Same(signature, document.Root!.Elements().Last());
        Assert.Equal("", (string?)signature.Descendants(Ds + "Reference").Single().Attribute("URI"));
        Assert.Equal(Convert.ToBase64String(Signer.RawData), signature.Descendants(Ds + "X509Certificate").Single().Value);
        Assert.StartsWith(Unsigned()[..^"</alert>".Length], xml, StringComparison.Ordinal); // the document itself unchanged
        Assert.NotNull(CapReader.ToDraft(xml, CapTests.List).Content);
    }

    [Fact]
    public void A_signature_by_a_pinned_certificate_verifies_and_names_its_signer()
    {
        var outcome = CapSignatureCheck.Check(Signed(), Trust(Signer), Now);

        Assert.Null(outcome.ErrorReason);
        Assert.Equal(Signer.Thumbprint, outcome.Signer!.Thumbprint);
    }

    [Fact]
    public void A_signer_issued_by_a_trusted_CA_verifies_and_an_expired_or_unknown_one_is_untrusted()
    {
        var ca = TestCertificates.Create("Partner CA", ca: true);
        var issued = TestCertificates.Create("Partner warnings", issuer: ca);
        var expired = TestCertificates.Create("Expired signer", notBefore: Now.AddYears(-2), notAfter: Now.AddYears(-1));

        Assert.Equal(issued.Thumbprint, CapSignatureCheck.Check(Signed(issued), Trust(ca), Now).Signer!.Thumbprint);
        Assert.Equal(CapSignatureCheck.SignerUntrusted, CapSignatureCheck.Check(Signed(issued), Trust(Signer), Now).ErrorReason);
        Assert.Equal(CapSignatureCheck.SignerUntrusted, CapSignatureCheck.Check(Signed(), [], Now).ErrorReason);
        Assert.Equal(CapSignatureCheck.SignerUntrusted, CapSignatureCheck.Check(Signed(expired), Trust(expired), Now).ErrorReason);
    }

    [Fact]
    public void The_platforms_own_certificates_are_trusted_whatever_their_validity()
    {
        var old = TestCertificates.Create("Retired platform key", notBefore: Now.AddYears(-3), notAfter: Now.AddYears(-2));

        Assert.Equal(old.Thumbprint, CapSignatureCheck.Check(Signed(old), [], Now, own: Trust(old)).Signer!.Thumbprint);
        Assert.Equal(CapSignatureCheck.SignerUntrusted, CapSignatureCheck.Check(Signed(old), [], Now, own: Trust(Signer)).ErrorReason);
    }

    [Fact]
    public void A_signed_alert_too_deep_or_with_too_many_attributes_is_refused_before_a_tree_is_built()
    {
        string xml = Signed();
        string attributes = string.Concat(Enumerable.Range(0, CapSignatureCheck.MaxAttributes + 1).Select(i => $" a{i}=\"x\""));
        string deep = string.Concat(Enumerable.Repeat("<x>", 40)) + string.Concat(Enumerable.Repeat("</x>", 40));

        Assert.Contains("attributes", Refused(xml.Replace("<SignedInfo>", $"<SignedInfo{attributes}>", StringComparison.Ordinal)));
        Assert.Contains("nested deeper", Refused(xml.Replace("</alert>", $"<ds:Object xmlns:ds=\"{Ds.NamespaceName}\">{deep}</ds:Object></alert>", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("台风红色预警", "台风橙色预警")] // the headline
    [InlineData("<severity>Extreme</severity>", "<severity>Minor</severity>")]
    [InlineData("<msgType>Alert</msgType>", "<msgType>Alert</msgType><!-- -->\n")] // a comment is outside exclusive C14N, but the line break is not
    public void Any_change_to_the_signed_document_fails_verification(string from, string to)
    {
        string xml = Signed();
        Assert.Contains(from, xml);

        var outcome = CapSignatureCheck.Check(ReplaceFirst(xml, from, to), Trust(Signer), Now);

        Assert.Equal(CapSignatureCheck.SignatureInvalid, outcome.ErrorReason);
        Assert.Contains("does not verify", outcome.Problem);
    }

    [Fact]
    public void An_unsigned_alert_is_reported_unsigned()
    {
        Assert.True(CapSignatureCheck.Check(Unsigned(), Trust(Signer), Now).IsUnsigned);
        Assert.True(CapSignatureCheck.Check("not xml", Trust(Signer), Now).IsUnsigned);
    }

    [Fact]
    public void Xml_dsig_tricks_are_refused_before_any_key_is_tried()
    {
        string xml = Signed();
        var document = XDocument.Parse(xml, LoadOptions.PreserveWhitespace);
        var signature = document.Root!.Element(Ds + "Signature")!;

        // Two signatures: which one counts would be anyone's guess.
        var twice = new XDocument(document);
        twice.Root!.Add(new XElement(signature));
        Assert.Contains("2 Signature elements", Refused(twice.ToString(SaveOptions.DisableFormatting)));

        // A signature further down (signing only part of the document, or hiding in an info block).
        var nested = new XDocument(document);
        var moved = nested.Root!.Element(Ds + "Signature")!;
        moved.Remove();
        nested.Root.Element(Ns + "info")!.Add(moved);
        Assert.Contains("child of the alert", Refused(nested.ToString(SaveOptions.DisableFormatting)));

        // A reference to part of the document, or to something outside it.
        Assert.Contains("must be \"\"", Refused(xml.Replace("URI=\"\"", "URI=\"#info\"", StringComparison.Ordinal)));
        Assert.Contains("must be \"\"", Refused(xml.Replace("URI=\"\"", "URI=\"http://127.0.0.1:9/x.xml\"", StringComparison.Ordinal)));

        // An XSLT transform, and weak algorithms.
        Assert.Contains("transform", Refused(xml.Replace("http://www.w3.org/2001/10/xml-exc-c14n#\" /></Transforms>", "http://www.w3.org/TR/1999/REC-xslt-19991116\" /></Transforms>", StringComparison.Ordinal)));
        Assert.Contains("digest", Refused(xml.Replace("http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2000/09/xmldsig#sha1", StringComparison.Ordinal)));
        Assert.Contains("signature method", Refused(xml.Replace("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "http://www.w3.org/2000/09/xmldsig#hmac-sha1", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_valid_signature_moved_onto_another_alert_does_not_verify()
    {
        // Signature wrapping: keep the genuine signature, change what the reader reads.
        var genuine = XDocument.Parse(Signed(), LoadOptions.PreserveWhitespace);
        var forged = XDocument.Parse(Unsigned().Replace("台风红色预警", "全市停工停课", StringComparison.Ordinal), LoadOptions.PreserveWhitespace);
        forged.Root!.Add(new XElement(genuine.Root!.Element(Ds + "Signature")!));
        forged.Root.Add(new XElement(Ns + "original", genuine.Root)); // the signed alert tucked inside

        Assert.Equal(CapSignatureCheck.SignatureInvalid, CapSignatureCheck.Check(forged.ToString(SaveOptions.DisableFormatting), Trust(Signer), Now).ErrorReason);
    }

    private static string Refused(string xml)
    {
        var outcome = CapSignatureCheck.Check(xml, Trust(Signer), Now);
        Assert.Equal(CapSignatureCheck.SignatureInvalid, outcome.ErrorReason);
        return outcome.Problem!;
    }

    private static string ReplaceFirst(string text, string from, string to)
    {
        int at = text.IndexOf(from, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, at), to, text.AsSpan(at + from.Length));
    }
}
