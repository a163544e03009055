using System.Net;
using System.Xml.Linq;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Warnings.Contracts.V1;
using Warnings.Issuing.Cap;
using Warnings.Platform.Tests.Feeds;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Issuing;

/// <summary>
/// Signed CAP on real RabbitMQ and Redis, checked with an independent implementation (xmlsec1) the
/// way a partner would: every path hands out the same signed document and each one verifies against
/// the published certificate; one changed character fails; rotating the key files signs new documents
/// with the new certificate while old ones still verify against the old one, still published; and a
/// signed import is accepted only from a trusted signer.
/// </summary>
public sealed class SignedCapTests(SignedCapFixture fixture) : IClassFixture<SignedCapFixture>
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    [Fact]
    public async Task Every_path_hands_out_the_same_signed_document_and_xmlsec1_verifies_each_one()
    {
        var webhook = await fixture.Feed().RegisterWebhookAsync(new RegisterWebhookRequest
        {
            RequestId = $"r-{Guid.NewGuid():N}", Url = $"{fixture.Receiver.Url}/signed-cap", Secret = "a-partner-secret-of-at-least-32-characters", Filter = new FeedFilter(),
        });
        Assert.Equal("active", webhook.Status);
        var warning = await fixture.PublishAsync("typhoon", "red", ["310101"]);

        string grpc = await fixture.CapAsync(warning);
        string identifier = XDocument.Parse(grpc).Root!.Element(CapWriter.Cap + "identifier")!.Value;
        using var call = fixture.Feed(Roles.Operator).Subscribe(new SubscribeRequest { ResumeToken = "0" });
        var feed = (await FeedFixture.ReadUntilAsync(call, m => m.Any(x => x.Identifier == identifier), $"{identifier} in the gRPC feed")).Single(x => x.Identifier == identifier).CapXml;
        string alert = await fixture.Platform.Http.GetStringAsync($"/alerts/{identifier}.xml");
        string atom = await fixture.Platform.Http.GetStringAsync("/feeds/cap.atom");
        static string Body(TestGateway.Received r) => System.Text.Encoding.UTF8.GetString(r.Body);
        var deliveries = await Eventually.Until(() => Task.FromResult(fixture.Receiver.For("signed-cap")), r => r.Any(x => Body(x).Contains(identifier, StringComparison.Ordinal)), "the webhook delivery");
        string webhookBody = Body(deliveries.First(x => Body(x).Contains(identifier, StringComparison.Ordinal)));

        // One stored document, byte for byte, on every path that hands out the document itself.
        Assert.Equal(grpc, feed);
        Assert.Equal(grpc, alert);
        Assert.Equal(grpc, webhookBody);
        // Atom carries it inline: the alert element, taken out as a document of its own, verifies too.
        var entry = XDocument.Parse(atom, LoadOptions.PreserveWhitespace).Root!.Elements(Atom + "entry")
            .Single(e => e.Element(Atom + "id")!.Value.EndsWith(identifier, StringComparison.Ordinal));
        string inline = entry.Element(Atom + "content")!.Elements().Single().ToString(SaveOptions.DisableFormatting);
        Assert.Empty(CapSchema.Validate(XDocument.Parse(inline)));

        string thumbprint = CapCertificates.Thumbprint(SignedCapFixture.SignerOf(grpc));
        Assert.Contains(thumbprint, (await fixture.CertificatesAsync()).Listed);
        string pem = await fixture.CertificatePemAsync(thumbprint);
        foreach (var (path, xml) in new[] { ("GetCap", grpc), ("gRPC feed", feed), ("/alerts", alert), ("webhook", webhookBody), ("Atom content", inline) })
        {
            var (verified, output) = await Xmlsec1.VerifyAsync(xml, pem);
            Assert.True(verified, $"{path}: xmlsec1 said {output}");
        }

        // One character changed in the signed text: xmlsec1 refuses it.
        int at = grpc.IndexOf("<headline>", StringComparison.Ordinal) + "<headline>".Length;
        string changed = string.Concat(grpc.AsSpan(0, at), grpc[at] == 'X' ? "Y" : "X", grpc.AsSpan(at + 1));
        var (tamperedVerified, tamperedOutput) = await Xmlsec1.VerifyAsync(changed, pem);
        Assert.False(tamperedVerified, tamperedOutput);
    }

    [Fact]
    public async Task Rotating_the_key_files_signs_new_documents_with_the_new_certificate_and_old_ones_still_verify()
    {
        string before = await fixture.CapAsync(await fixture.PublishAsync("typhoon", "orange", ["310101"]));
        string oldThumbprint = CapCertificates.Thumbprint(SignedCapFixture.SignerOf(before));

        var rotated = TestCertificates.Create($"Warnings CAP signing (rotated {Guid.NewGuid():N})");
        fixture.UseSigningCertificate(rotated); // no restart
        string after = await fixture.CapAsync(await fixture.PublishAsync("typhoon", "orange", ["310101"]));

        string newThumbprint = CapCertificates.Thumbprint(rotated);
        Assert.Equal(newThumbprint, CapCertificates.Thumbprint(SignedCapFixture.SignerOf(after)));
        var (current, listed) = await fixture.CertificatesAsync();
        Assert.Equal(newThumbprint, current);
        Assert.Contains(oldThumbprint, listed);
        Assert.Contains(newThumbprint, listed);

        string oldPem = await fixture.CertificatePemAsync(oldThumbprint);
        string newPem = await fixture.CertificatePemAsync(newThumbprint);
        Assert.True((await Xmlsec1.VerifyAsync(before, oldPem)).Verified, "the old document verifies with the old, still published, certificate");
        Assert.True((await Xmlsec1.VerifyAsync(after, newPem)).Verified, "the new document verifies with the new certificate");
        Assert.False((await Xmlsec1.VerifyAsync(before, newPem)).Verified, "the old document is not the new key's");
        // And what was stored before the rotation is handed out unchanged.
        Assert.Equal(before, await fixture.Platform.Http.GetStringAsync($"/alerts/{XDocument.Parse(before).Root!.Element(CapWriter.Cap + "identifier")!.Value}.xml"));
    }

    [Fact]
    public async Task A_signed_import_is_accepted_from_a_trusted_signer_only_and_unsigned_ones_as_configured()
    {
        string platformSigned = await fixture.CapAsync(await fixture.PublishAsync("typhoon", "red", ["310101"]));
        string unsigned = string.Concat(platformSigned.AsSpan(0, platformSigned.IndexOf("<Signature ", StringComparison.Ordinal)), "</alert>");

        var imported = await ImportAsync(CapSignature.Sign(unsigned, fixture.Partner));
        Assert.Equal(CapCertificates.Thumbprint(fixture.Partner), imported.CapSigner.Thumbprint);
        Assert.Contains("CN=Partner warnings", imported.CapSigner.Subject, StringComparison.Ordinal);

        string partnerSigned = CapSignature.Sign(unsigned, fixture.Partner);
        await RefusedAsync(partnerSigned.Replace("<headline>", "<headline>!", StringComparison.Ordinal), CapSignatureCheck.SignatureInvalid);
        await RefusedAsync(CapSignature.Sign(unsigned, TestCertificates.Create("Stranger")), CapSignatureCheck.SignerUntrusted);
        // The platform's own alerts import back: its published certificates are trusted too.
        Assert.Equal(CapCertificates.Thumbprint(SignedCapFixture.SignerOf(platformSigned)), (await ImportAsync(platformSigned)).CapSigner.Thumbprint);

        Assert.Null((await ImportAsync(unsigned)).CapSigner);
        var configuration = (IConfigurationRoot)fixture.Platform.App.Configuration;
        try
        {
            configuration["Cap:Import:RequireSignature"] = "true";
            configuration.Reload();
            await RefusedAsync(unsigned, CapSignatureCheck.SignatureRequired);
            Assert.Equal(CapCertificates.Thumbprint(fixture.Partner), (await ImportAsync(partnerSigned)).CapSigner.Thumbprint);
        }
        finally
        {
            configuration["Cap:Import:RequireSignature"] = "false";
            configuration.Reload();
        }
    }

    [Fact]
    public async Task An_unknown_certificate_is_not_found()
    {
        using var unknown = await fixture.Platform.Http.GetAsync($"{CapCertificateEndpoints.ListPath}/{new string('a', 64)}.pem");
        using var malformed = await fixture.Platform.Http.GetAsync($"{CapCertificateEndpoints.ListPath}/..%2F..%2Fetc%2Fpasswd.pem");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
    }

    private Task<Warning> ImportAsync(string xml) =>
        fixture.Officer.ImportCapDraftAsync(new ImportCapDraftRequest { RequestId = $"i-{Guid.NewGuid():N}", CapXml = xml }).ResponseAsync;

    private async Task RefusedAsync(string xml, string reason)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => ImportAsync(xml));
        RpcAssert.Refused(error, StatusCode.InvalidArgument, reason);
    }
}
