using System.Net;
using System.Net.Http.Headers;
using Warnings.Core.Hosting;

namespace Warnings.Core.Tests.Hosting;

public class LoopbackHttpSinkTests
{
    [Fact]
    public async Task Answers_every_request_202_on_one_kept_alive_connection_whatever_its_body_and_is_gone_once_disposed()
    {
        Uri url;
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 });
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
        }

        await Assert.ThrowsAsync<HttpRequestException>(() => new HttpClient().GetAsync(url));
    }
}
