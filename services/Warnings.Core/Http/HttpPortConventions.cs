using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Warnings.Core.Http;

/// <summary>
/// What every answer of the HTTP/1.1 port does, whichever module's endpoint gave it (installed before
/// routing, so unknown paths too):
/// <list type="bullet">
/// <item>HEAD is answered as GET would be, without the body (minimal-API <c>MapGet</c> routes take
/// GET only, so HEAD on a public page, a feed or a health check used to fall through to a refusal);</item>
/// <item>a 401 says how to authenticate (<c>WWW-Authenticate</c>, RFC 9110 §11.6.1);</item>
/// <item>an error left without a body (an unknown route, a method a route does not take, a bare 401)
/// gets the port's one error shape, a google.rpc.Status (<see cref="HttpErrors"/>).</item>
/// </list>
/// gRPC calls (content type <c>application/grpc</c>) are left alone: their status travels in trailers.
/// </summary>
public static class HttpPortConventions
{
    /// <summary>The schemes the platform takes: its API keys and JWT bearer tokens.</summary>
    public const string Challenge = "ApiKey realm=\"warnings\", Bearer realm=\"warnings\"";

    public static IApplicationBuilder UseHttpPortConventions(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            await next(http);
            return;
        }

        http.Response.OnStarting(() =>
        {
            if (http.Response.StatusCode == StatusCodes.Status401Unauthorized && http.Response.Headers.WWWAuthenticate.Count == 0)
            {
                http.Response.Headers.WWWAuthenticate = Challenge;
            }

            return Task.CompletedTask;
        });

        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await next(http);
            await FillEmptyErrorAsync(http);
            return;
        }

        // Run the GET endpoint with its body counted, not sent; Kestrel then answers HEAD with the
        // GET's status and headers (Content-Length included) and no body.
        var original = http.Features.Get<IHttpResponseBodyFeature>()!;
        using var counter = new CountingNullStream();
        http.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(counter));
        http.Request.Method = HttpMethods.Get;
        try
        {
            await next(http);
            await FillEmptyErrorAsync(http);
        }
        finally
        {
            http.Request.Method = HttpMethods.Head;
            http.Features.Set(original);
        }

        if (!http.Response.HasStarted && http.Response.ContentLength is null)
        {
            http.Response.ContentLength = counter.Length;
        }
    });

    private static Task FillEmptyErrorAsync(HttpContext http)
    {
        var response = http.Response;
        if (response.HasStarted || response.StatusCode < 400 || response.ContentLength is > 0 || response.ContentType is not null)
        {
            return Task.CompletedTask;
        }

        return HttpErrors.WriteAsync(http, HttpErrors.ForEmptyResponse(response.StatusCode), response.StatusCode);
    }

    /// <summary>Discards what is written and counts it (a HEAD answer's Content-Length).</summary>
    private sealed class CountingNullStream : Stream
    {
        private long _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
