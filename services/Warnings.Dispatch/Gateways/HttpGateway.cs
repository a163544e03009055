using System.Net.Http.Headers;
using System.Text.Json;
using Warnings.Core.Http;
using Warnings.Dispatch.Rendering;

namespace Warnings.Dispatch.Gateways;

/// <summary>
/// Posts the rendered message as JSON to the channel's gateway URL with an <c>Idempotency-Key</c>
/// header, signed with the channel's secret as <see cref="WebhookSignature"/> says. Timeouts, jittered retries and a circuit breaker come from the HttpClient's
/// standard resilience pipeline (Microsoft.Extensions.Http.Resilience).
/// </summary>
public sealed class HttpGateway(HttpClient client, Uri url, byte[] secret, NodaTime.IClock clock) : IChannelGateway
{
    // UTF-8 as is: gateways (and their logs) read Chinese text, not \u escapes. The body is JSON, never HTML.
    private static readonly JsonSerializerOptions BodyJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task DeliverAsync(RenderedMessage message, string idempotencyKey, CancellationToken cancellationToken)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new { channel = message.Channel, idempotencyKey, parts = message.Parts, targets = message.Targets }, BodyJson);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        WebhookSignature.Apply(request, secret, clock.GetCurrentInstant(), body);
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{message.Channel} gateway answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }
    }
}
