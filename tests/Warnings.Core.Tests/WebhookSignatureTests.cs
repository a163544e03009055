using System.Text;
using NodaTime;
using Warnings.Core.Http;

namespace Warnings.Core.Tests;

public class WebhookSignatureTests
{
    private static readonly byte[] Secret = WebhookSignature.SecretBytes("shared-secret");
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"channel":"sms","parts":["台风红色预警"]}""");
    private static readonly Instant SentAt = Instant.FromUtc(2026, 12, 1, 8, 0);

    private static (string Timestamp, string Signature) Signed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://gateway.invalid/");
        WebhookSignature.Apply(request, Secret, SentAt, Body);
        return (request.Headers.GetValues(WebhookSignature.TimestampHeader).Single(), request.Headers.GetValues(WebhookSignature.Header).Single());
    }

    [Fact]
    public void A_fresh_signed_request_verifies()
    {
        var (timestamp, signature) = Signed();

        Assert.Equal(SentAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), timestamp);
        Assert.StartsWith("sha256=", signature);
        Assert.True(WebhookSignature.Verify(Secret, timestamp, Body, signature, SentAt + Duration.FromMinutes(4)));
    }

    [Fact]
    public void A_replayed_old_request_a_moved_timestamp_or_an_altered_body_does_not()
    {
        var (timestamp, signature) = Signed();

        Assert.False(WebhookSignature.Verify(Secret, timestamp, Body, signature, SentAt + Duration.FromMinutes(6)));
        Assert.False(WebhookSignature.Verify(Secret, (SentAt.ToUnixTimeSeconds() + 60).ToString(System.Globalization.CultureInfo.InvariantCulture), Body, signature, SentAt));
        Assert.False(WebhookSignature.Verify(Secret, timestamp, Encoding.UTF8.GetBytes("""{"channel":"sms","parts":["解除"]}"""), signature, SentAt));
        Assert.False(WebhookSignature.Verify(WebhookSignature.SecretBytes("other"), timestamp, Body, signature, SentAt));
        Assert.False(WebhookSignature.Verify(Secret, null, Body, signature, SentAt));
    }
}
