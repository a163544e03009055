using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Warnings.Core.Grpc;

/// <summary>
/// grpc-dotnet parses a request message before any interceptor runs, and answers a body that is not
/// the message (malformed protobuf) with UNKNOWN "Exception was thrown by handler." after logging the
/// parser's stack trace at Error, once per request, for anonymous callers too. Every exception of a
/// service method is mapped by <see cref="ErrorMappingInterceptor"/> (to INTERNAL, CANCELLED...), so an
/// UNKNOWN with that message can only come from before it: this middleware turns it into
/// INVALID_ARGUMENT <c>MALFORMED_REQUEST</c> (with ErrorInfo) while the status is still in the
/// headers (a trailers-only response), and the host logs grpc-dotnet's handler category at Critical
/// only (see <c>PlatformHost</c>), so no stack trace is written per bad request: this logs one line at Debug.
/// </summary>
public sealed class MalformedRequestMiddleware(RequestDelegate next, ILogger<MalformedRequestMiddleware> logger)
{
    /// <summary>The ErrorInfo reason of a request body that is not the RPC's request message.</summary>
    public const string Reason = "MALFORMED_REQUEST";

    private const string HandlerExceptionMessage = "Exception was thrown by handler.";

    public Task InvokeAsync(HttpContext http)
    {
        if (http.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                if (headers["grpc-status"] == "2" && headers["grpc-message"] == HandlerExceptionMessage)
                {
                    var error = GrpcErrors.Build(Google.Rpc.Code.InvalidArgument, Reason, "The request body is not a valid protobuf message of this RPC.");
                    headers["grpc-status"] = "3";
                    headers["grpc-message"] = Uri.EscapeDataString(error.Status.Detail);
                    var details = error.Trailers.GetValueBytes("grpc-status-details-bin");
                    if (details is not null)
                    {
                        headers["grpc-status-details-bin"] = Convert.ToBase64String(details).TrimEnd('=');
                    }

                    logger.LogDebug("Malformed request message for {Path} answered INVALID_ARGUMENT", http.Request.Path);
                }

                return Task.CompletedTask;
            });
        }

        return next(http);
    }
}
