using System.Text.Json;
using NodaTime;
using Warnings.Core.Json;
using Warnings.Core.Storage;

namespace Warnings.Platform.Diagnostics;

/// <summary>A module's record that it received a probe.</summary>
public sealed record ProbeReceipt(string Module, string Instance, Instant SentAt, Instant ReceivedAt);

/// <summary>
/// Probe receipts in the store: one hash per probe (<c>probe:{id}</c>), one field per module, first
/// receipt wins so a redelivered probe changes nothing. Receipts expire after a day.
/// </summary>
public sealed class ProbeReceipts(IStateStore store)
{
    public static readonly Duration RetainFor = Duration.FromDays(1);

    /// <summary>Records <paramref name="receipt"/>; false when this module had already recorded one.</summary>
    public Task<bool> RecordAsync(string probeId, ProbeReceipt receipt) =>
        store.HashSetIfAbsentAsync(Key(probeId), receipt.Module, JsonSerializer.Serialize(receipt, PlatformJson.Options), RetainFor);

    /// <summary>The receipts of a probe, ordered by module name.</summary>
    public async Task<IReadOnlyList<ProbeReceipt>> ReadAsync(string probeId)
    {
        var fields = await store.HashGetAllAsync(Key(probeId));
        return fields.Values
            .Select(json => JsonSerializer.Deserialize<ProbeReceipt>(json, PlatformJson.Options)!)
            .OrderBy(r => r.Module, StringComparer.Ordinal)
            .ToList();
    }

    private static StoreKey Key(string probeId) => new("probe", probeId);
}
