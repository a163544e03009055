using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Warnings.Core.Http;

/// <summary>
/// A graceful shutdown waits for every request to finish, and a stream (server-sent events, a gRPC
/// server stream) never finishes by itself: one open dashboard held every deploy for the whole
/// shutdown timeout. For streams only, the request's cancellation token also fires when the
/// application stops, so the stream ends at once and its client reconnects to another instance;
/// ordinary calls still finish their work.
/// </summary>
public static class StreamsEndOnShutdown
{
    public static IApplicationBuilder UseStreamsEndOnShutdown(this IApplicationBuilder app)
    {
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        return app.Use(async (http, next) =>
        {
            if (!IsStream(http))
            {
                await next(http);
                return;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
            http.RequestAborted = linked.Token;
            await next(http);
        });
    }

    private static bool IsStream(HttpContext http) =>
        http.Request.Headers.Accept.Any(a => a?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true)
        || http.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.Type is global::Grpc.Core.MethodType.ServerStreaming or global::Grpc.Core.MethodType.DuplexStreaming;
}
