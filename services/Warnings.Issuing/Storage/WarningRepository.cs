using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;

namespace Warnings.Issuing.Storage;

/// <summary>Warnings in the store: one document per warning (<c>warning:{id}</c>) with its state, every published version and every step.</summary>
public sealed class WarningRepository(IStateStore store) : ProtoDocuments<WarningHistory>(store, "warning", DueAt)
{
    /// <summary>A published warning is due at its expiry (<see cref="WarningExpiry"/>); any other state is not due.</summary>
    private static Instant? DueAt(WarningHistory document) =>
        document.Warning.State == WarningState.Published && document.Warning.Content?.ExpiresAt is { } expires ? expires.ToInstant() : null;
}
