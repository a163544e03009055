namespace Warnings.Testing;

/// <summary>
/// Polls instead of sleeping: tests wait for an effect with a generous limit, so they pass on a slow
/// machine and finish as soon as the effect is there on a fast one.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds for its result; returns that result or fails with the last one.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? DefaultTimeout); // test-side wall clock, not domain time
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var result = await probe();
            if (done(result))
            {
                return result;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for {what}; last seen: {result}");
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }
}
