using Google.Protobuf;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;

namespace Warnings.Reporting.Storage;

/// <summary>
/// An incident in the store is one document (<c>incident:{id}</c>): its state, every report and
/// correction, every step. Changes are conditional on the document being exactly as read.
/// </summary>
public sealed class IncidentRepository(IStateStore store)
{
    public static readonly StoreKey Index = new("incident-index", "all");
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);

    public static StoreKey Key(string incidentId) => new("incident", incidentId);

    public static string Format(IncidentTimeline timeline) => Json.Format(timeline);

    public async Task<(string Json, IncidentTimeline Timeline)?> LoadAsync(string incidentId) =>
        await store.GetAsync(Key(incidentId)) is { } json ? (json, IncidentTimeline.Parser.ParseJson(json)) : null;

    public async Task<IReadOnlyList<IncidentTimeline>> AllAsync()
    {
        var incidents = new List<IncidentTimeline>();
        foreach (var id in await store.ListHeadAsync(Index, int.MaxValue))
        {
            if (await LoadAsync(id) is { } loaded)
            {
                incidents.Add(loaded.Timeline);
            }
        }

        return incidents;
    }
}
