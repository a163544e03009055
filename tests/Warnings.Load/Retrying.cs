using Grpc.Core;

namespace Warnings.Load;

/// <summary>
/// What the platform asks of its clients on UNAVAILABLE ("retry in a second with the same request
/// id"): on a busy shared machine the store's 2 s timeout is sometimes reached, and one such refusal
/// must not end a run. Retries are counted and printed with the report.
/// </summary>
public static class Retrying
{
    private static long _retries;

    public static long Count => Interlocked.Read(ref _retries);

    public static async Task<T> CallAsync<T>(Func<AsyncUnaryCall<T>> call)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 10)
            {
                Interlocked.Increment(ref _retries);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }
}
