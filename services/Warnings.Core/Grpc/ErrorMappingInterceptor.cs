using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Warnings.Core.Grpc;

/// <summary>
/// The safety net behind every gRPC service: an exception that is not already an
/// <see cref="RpcException"/> is a server bug, so it is logged in full and the client gets INTERNAL
/// with a reference id and no stack trace. Client cancellations become CANCELLED, not INTERNAL. A store
/// or broker that cannot be reached is UNAVAILABLE with a RetryInfo delay: the client can act on it.
/// </summary>
public sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    private RpcException Map(Exception e, ServerCallContext context)
    {
        if (e is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            return new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled."));
        }

        if (Resilience.TransientFailures.IsTransient(e))
        {
            logger.LogWarning("{Method} refused: the store or broker is unavailable ({Error})", context.Method, e.Message);
            return Unavailable();
        }

        string reference = Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
        logger.LogError(e, "Unhandled error in {Method} (reference {Reference})", context.Method, reference);
        return GrpcErrors.Build(Google.Rpc.Code.Internal, ErrorReasons.Internal,
            $"The server failed to handle the request. Reference: {reference}.",
            new Dictionary<string, string> { ["reference"] = reference });
    }

    /// <summary>UNAVAILABLE with a one-second RetryInfo: what a client gets while the store or broker is down.</summary>
    public static RpcException Unavailable(string what = "The platform's store or message broker") =>
        GrpcErrors.Build(Google.Rpc.Code.Unavailable, ErrorReasons.Unavailable,
            $"{what} cannot be reached right now; retry in a second with the same request id.",
            metadata: null, new Google.Rpc.RetryInfo { RetryDelay = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) });
}
