using Google.Protobuf;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;

namespace Warnings.Issuing.Storage;

/// <summary>
/// A warning in the store is one document (<c>warning:{id}</c>): its current state, every published
/// version and every step. Changes are conditional on the document being exactly as read, so two
/// concurrent steps on one warning cannot both apply. <c>warning-index:all</c> lists the ids.
/// </summary>
public sealed class WarningRepository(IStateStore store)
{
    public static readonly StoreKey Index = new("warning-index", "all");
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);

    public static StoreKey Key(string warningId) => new("warning", warningId);

    public static string Format(WarningHistory history) => Json.Format(history);

    /// <summary>The document as stored (for the commit's condition) and parsed, or null.</summary>
    public async Task<(string Json, WarningHistory History)?> LoadAsync(string warningId) =>
        await store.GetAsync(Key(warningId)) is { } json ? (json, WarningHistory.Parser.ParseJson(json)) : null;

    public async Task<IReadOnlyList<WarningHistory>> AllAsync()
    {
        var warnings = new List<WarningHistory>();
        foreach (var id in await store.ListHeadAsync(Index, int.MaxValue))
        {
            if (await LoadAsync(id) is { } loaded)
            {
                warnings.Add(loaded.History);
            }
        }

        return warnings;
    }
}
