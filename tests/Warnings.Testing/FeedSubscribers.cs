using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Warnings.Contracts.V1;

namespace Warnings.Testing;

/// <summary>
/// Many gRPC feed subscribers at once (100 streams per HTTP/2 connection), each recording when every
/// warning reached it (<see cref="Stopwatch"/> ticks): what the fan-out benchmark and the load tool
/// measure. Disposing ends every stream.
/// </summary>
public sealed class FeedSubscribers : IAsyncDisposable
{
    private readonly List<GrpcChannel> _channels;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = [];

    private FeedSubscribers(string grpcAddress, int count, string role)
    {
        _channels = Enumerable.Range(0, (count + 99) / 100)
            .Select(_ => GrpcChannel.ForAddress(grpcAddress, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } }))
            .ToList();
        for (int i = 0; i < count; i++)
        {
            var invoker = _channels[i / 100].Intercept(metadata =>
            {
                metadata.Add("authorization", $"ApiKey {TestIdentities.Keys[role]}");
                return metadata;
            });
            var call = new FeedService.FeedServiceClient(invoker).Subscribe(new SubscribeRequest(), cancellationToken: _stop.Token);
            _readers.Add(Task.Run(() => ReadAsync(call)));
        }
    }

    /// <summary>Per warning id, when each subscriber received it.</summary>
    public ConcurrentDictionary<string, ConcurrentBag<long>> Received { get; } = new();

    /// <summary>Opens <paramref name="count"/> subscriptions as <paramref name="role"/> (live from now).</summary>
    public static FeedSubscribers Open(string grpcAddress, int count, string role = Warnings.Core.Identity.Roles.Partner) => new(grpcAddress, count, role);

    /// <summary>The receipt times of <paramref name="warningId"/> once all <paramref name="count"/> subscribers have it.</summary>
    public Task<ConcurrentBag<long>> AllReceivedAsync(string warningId, int count, TimeSpan timeout) =>
        Eventually.Until(() => Task.FromResult(Received.GetOrAdd(warningId, _ => [])), bag => bag.Count >= count, $"{warningId} at all {count} subscribers", timeout);

    private async Task ReadAsync(AsyncServerStreamingCall<FeedMessage> call)
    {
        try
        {
            while (await call.ResponseStream.MoveNext(_stop.Token))
            {
                Received.GetOrAdd(call.ResponseStream.Current.WarningId, _ => []).Add(Stopwatch.GetTimestamp());
            }
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException)
        {
        }
        finally
        {
            call.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_readers);
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        _stop.Dispose();
    }
}
