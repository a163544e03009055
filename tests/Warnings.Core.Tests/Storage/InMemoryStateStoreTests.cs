using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Warnings.Core.Storage;

namespace Warnings.Core.Tests.Storage;

public sealed class InMemoryStateStoreTests : StateStoreContract
{
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 11, 29, 0, 0));

    public InMemoryStateStoreTests() => Store = new InMemoryStateStore(Options.Create(new StoreOptions()), _clock);

    protected override IStateStore Store { get; }

    protected override void PassTime(Duration elapsed) => _clock.Advance(elapsed);
}
