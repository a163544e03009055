using System.Text.Json;
using Warnings.Core.Json;
using Warnings.Core.Storage;

namespace Warnings.Analysis.Projections;

/// <summary>
/// Where the projections live: one JSON record per incident and per warning, each area listed in an
/// index hash. A record is replaced only by one computed from a newer revision of its source
/// document, so an update that read older state and arrives late changes nothing. Every change nudges
/// <see cref="NudgeChannel"/> so live views (the dashboard) refresh.
/// </summary>
public sealed class ProjectionStore(IStateStore store)
{
    public const string NudgeChannel = "analysis";
    public const string IncidentArea = "analysis-incident";
    public const string WarningArea = "analysis-warning";

    /// <summary>Stores an incident's record; <paramref name="reindex"/> (a rebuild) lists it again even when it is already stored.</summary>
    public Task<bool> PutIncidentAsync(IncidentFacts facts, bool reindex = false) => PutAsync(IncidentArea, facts.Id, facts, facts.Revision, f => f.Revision, reindex);

    /// <summary>Stores a warning's record; <paramref name="reindex"/> (a rebuild) lists it again even when it is already stored.</summary>
    public Task<bool> PutWarningAsync(WarningFacts facts, bool reindex = false) => PutAsync(WarningArea, facts.Id, facts, facts.Revision, f => f.Revision, reindex);

    /// <summary>Stores incidents' records as <see cref="PutIncidentAsync"/> does, reading what is stored for all of them in one round trip.</summary>
    public Task PutIncidentsAsync(IReadOnlyList<IncidentFacts> facts) => PutManyAsync(IncidentArea, facts, f => f.Id, f => f.Revision);

    /// <summary>Stores warnings' records as <see cref="PutWarningAsync"/> does, reading what is stored for all of them in one round trip.</summary>
    public Task PutWarningsAsync(IReadOnlyList<WarningFacts> facts) => PutManyAsync(WarningArea, facts, f => f.Id, f => f.Revision);

    public Task<IReadOnlyList<IncidentFacts>> IncidentsAsync() => AllAsync<IncidentFacts>(IncidentArea);

    public Task<IReadOnlyList<WarningFacts>> WarningsAsync() => AllAsync<WarningFacts>(WarningArea);

    // One read for the whole group, then each record's conditional write, all in flight together.
    private async Task PutManyAsync<T>(string area, IReadOnlyList<T> records, Func<T, string> idOf, Func<T, long> revisionOf)
    {
        var stored = await store.GetManyAsync(records.Select(r => new StoreKey(area, idOf(r))).ToList());
        await Task.WhenAll(records.Select((r, i) => PutAsync(area, idOf(r), r, revisionOf(r), revisionOf, reindex: false, new StoredRecord(stored[i]))));
    }

    /// <summary>What was read of a record before the put (so the put need not read it again).</summary>
    private readonly record struct StoredRecord(string? Json);

    /// <summary>Stores <paramref name="facts"/> unless the stored record is as new or newer; true when it changed something.</summary>
    private async Task<bool> PutAsync<T>(string area, string id, T facts, long revision, Func<T, long> revisionOf, bool reindex, StoredRecord? read = null)
    {
        var key = new StoreKey(area, id);
        string json = JsonSerializer.Serialize(facts, PlatformJson.Options);
        for (int attempt = 0; attempt < 20; attempt++)
        {
            // A copy read with others is trusted only once: a failed write reads the record again.
            string? stored = attempt == 0 && read is { } first ? first.Json : await store.GetAsync(key);
            if (stored is null || (reindex && attempt == 0))
            {
                // Listed before its first record is written, so a stored record is always listed and
                // live events skip this write; a rebuild lists every record again, repairing an
                // index entry lost to a partial restore or by hand.
                await store.HashSetIfAbsentAsync(Index(area), id, "");
            }

            if (stored == json || (stored is not null && revisionOf(JsonSerializer.Deserialize<T>(stored, PlatformJson.Options)!) > revision))
            {
                return false;
            }

            if (await store.CommitAsync([new StoreCondition(key, stored)], [new StoreWrite(key, json)]))
            {
                await store.PublishAsync(NudgeChannel, $"{area}:{id}");
                return true;
            }
        }

        throw new InvalidOperationException($"Projection {area}:{id} kept changing; the event will be retried.");
    }

    private static StoreKey Index(string area) => new($"{area}-index", "all");

    // Every record in one read (the store slices it): an aggregate over the whole history, which one
    // GET per record made cost tens of thousands of round trips.
    private async Task<IReadOnlyList<T>> AllAsync<T>(string area)
    {
        var ids = (await store.HashGetAllAsync(Index(area))).Keys.Order(StringComparer.Ordinal);
        var stored = await store.GetManyAsync(ids.Select(id => new StoreKey(area, id)).ToList());
        return stored.OfType<string>().Select(json => JsonSerializer.Deserialize<T>(json, PlatformJson.Options)!).ToList();
    }
}
