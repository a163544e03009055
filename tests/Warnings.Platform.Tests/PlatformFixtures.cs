using NodaTime;
using NodaTime.Testing;
using Warnings.Testing;

namespace Warnings.Platform.Tests;

/// <summary>One platform running every module, on a backplane, with a FakeClock set to an instant with nanoseconds.</summary>
public abstract class PlatformFixture : IAsyncLifetime
{
    /// <summary>An instant with a nanosecond part, so any loss of precision on the way shows.</summary>
    public static readonly Instant Now = Instant.FromUtc(2026, 7, 15, 8, 30, 0).PlusNanoseconds(123_456_789);

    public FakeClock Clock { get; } = new(Now);

    public Backplane Backplane { get; private set; } = null!;

    public TestPlatform Platform { get; private set; } = null!;

    protected abstract Task<Backplane> CreateBackplaneAsync();

    public async Task InitializeAsync()
    {
        Backplane = await CreateBackplaneAsync();
        Platform = await TestPlatform.StartAsync(Backplane, clock: Clock);
    }

    public async Task DisposeAsync()
    {
        await Platform.DisposeAsync();
        await Backplane.DisposeAsync();
    }
}

public sealed class EmbeddedPlatformFixture : PlatformFixture
{
    protected override Task<Backplane> CreateBackplaneAsync() => Task.FromResult(Backplane.Embedded());
}

public sealed class RealPlatformFixture : PlatformFixture
{
    protected override Task<Backplane> CreateBackplaneAsync() => Backplane.CreateRealAsync();
}
