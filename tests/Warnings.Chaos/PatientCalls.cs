using System.Collections.Concurrent;
using Grpc.Core;

namespace Warnings.Chaos;

/// <summary>
/// A careful client's retry policy: a call that failed in a way a retry can fix (the platform down,
/// restarting, timing out, or failing inside) is repeated with the same request, so the same request
/// id, until it succeeds or the scenario ends; backoff 200 ms doubling to 2 s, with jitter.
/// </summary>
public sealed class PatientCalls(CancellationToken scenarioEnd)
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);
    private long _retries;

    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Calls that failed in a way no retry fixes (a refusal), by status and detail: every one is a finding.</summary>
    public ConcurrentDictionary<string, int> Refusals { get; } = new();

    public async Task<T?> UntilOkAsync<T>(string what, Func<CallOptions, AsyncUnaryCall<T>> call)
        where T : class
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!scenarioEnd.IsCancellationRequested)
        {
            try
            {
                // Deadlines are wall-clock DateTimes in the gRPC API.
                return await call(new CallOptions(deadline: DateTime.UtcNow + CallDeadline, cancellationToken: scenarioEnd));
            }
            catch (RpcException e) when (Retryable(e.StatusCode) && !scenarioEnd.IsCancellationRequested)
            {
                Interlocked.Increment(ref _retries);
            }
            catch (RpcException e) when (!scenarioEnd.IsCancellationRequested)
            {
                Refusals.AddOrUpdate($"{what}: {e.StatusCode} {e.Status.Detail}", 1, (_, n) => n + 1);
                return null;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !scenarioEnd.IsCancellationRequested)
            {
                Interlocked.Increment(ref _retries); // a connection error the client did not map to a status
            }
            catch (Exception e) when (e is OperationCanceledException or RpcException && scenarioEnd.IsCancellationRequested)
            {
                return null;
            }

            try
            {
                await Task.Delay(backoff * (0.75 + (Random.Shared.NextDouble() / 2)), scenarioEnd);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }

        return null;
    }

    // CANCELLED too: a connection reset by a dying server surfaces as a cancelled stream.
    private static bool Retryable(StatusCode code) => code is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal
        or StatusCode.Unknown or StatusCode.Cancelled or StatusCode.ResourceExhausted or StatusCode.Aborted;
}
