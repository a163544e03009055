using System.Net;
using System.Net.Http.Headers;
using Warnings.Core.Hosting;

namespace Warnings.Core.Tests.Hosting;

public class LoopbackHttpSinkTests
{
    private static HttpClient Client() => new(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1 });

    [Fact]
    public async Task Answers_every_request_202_on_one_kept_alive_connection_whatever_its_body_and_is_gone_once_disposed()
    {
        Uri url;
        using var client = Client();
        await using (var sink = new LoopbackHttpSink())
        {
            url = sink.Url;
            Assert.True(IPAddress.IsLoopback(IPAddress.Parse(url.Host)));
            // A body larger than the sink's header buffer, a small one, none: each read whole and dropped.
            foreach (int size in new[] { 200_000, 10, 0 })
            {
                using var content = new ByteArrayContent(new byte[size]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync(url, content);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }

            using var get = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.Accepted, get.StatusCode);
            Assert.Equal((1, 4), (sink.Connections, sink.Requests));
        }

        using var after = Client();
        await Assert.ThrowsAsync<HttpRequestException>(() => after.GetAsync(url));
    }

    [Fact]
    public async Task A_chunked_body_it_cannot_frame_closes_the_connection_unanswered()
    {
        using var client = Client();
        await using var sink = new LoopbackHttpSink();
        using var content = new StreamContent(new MemoryStream(new byte[100]));
        using var request = new HttpRequestMessage(HttpMethod.Post, sink.Url) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(request));
        Assert.Equal(0, sink.Requests);
    }
}
