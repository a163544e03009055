using Google.Protobuf;
using NodaTime;

namespace Warnings.Core.Storage;

/// <summary>
/// Documents kept whole in the store, one per id (<c>{area}:{id}</c>, protobuf JSON), listed in
/// <c>{area}-index:all</c>. A change is conditional on the document being exactly as read, so two
/// concurrent changes to one document cannot both apply: <see cref="Replace"/> and
/// <see cref="Create"/> give the conditions and writes for a <see cref="Warnings.Core.Commands.CommandPlan{TResponse}"/>.
/// With <paramref name="dueAt"/> (when the platform must next act on a document by itself, a warning's
/// expiry or an incident's next report; null when it need not) the collection keeps its documents on
/// a schedule (<c>{area}-due:all</c>), written in the same commit as each document, so a periodic job
/// reads only what is due (<see cref="DueIdsAsync"/>) instead of every document ever stored, which
/// grows with the platform's whole history.
/// </summary>
public class ProtoDocuments<TDocument>(IStateStore store, string area, Func<TDocument, Instant?>? dueAt = null)
    where TDocument : class, IMessage<TDocument>, new()
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);
    private static readonly MessageParser<TDocument> Parser = new(() => new TDocument());
    private readonly StoreKey _index = new($"{area}-index", "all");

    /// <summary>The store the documents live in, for what a derived collection keeps beside them.</summary>
    protected IStateStore Store => store;

    public StoreKey Key(string id) => new(area, id);

    /// <summary>The document as stored (for the commit's condition) and parsed, or null.</summary>
    public async Task<(string Json, TDocument Document)?> LoadAsync(string id) =>
        await store.GetAsync(Key(id)) is { } json ? (json, Parser.ParseJson(json)) : null;

    /// <summary>Every document, in creation order (for a rebuild: it grows with the platform's whole history).</summary>
    public async Task<IReadOnlyList<TDocument>> AllAsync()
    {
        var documents = new List<TDocument>();
        for (long start = 0; ; start += WindowSize)
        {
            var window = await WindowAsync(start, WindowSize);
            documents.AddRange(window.OfType<TDocument>());
            if (window.Count < WindowSize)
            {
                return documents;
            }
        }
    }

    /// <summary>How many documents were ever created: the length of the creation order.</summary>
    public Task<long> CountAsync() => store.ListLengthAsync(_index);

    /// <summary>
    /// The documents at positions <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1
    /// of the creation order, in that order (null where a listed document is missing), read in two round
    /// trips whatever the count: a list page reads the part of the history it shows, not all of it.
    /// Shorter than <paramref name="count"/> only at the end of the list.
    /// </summary>
    public async Task<IReadOnlyList<TDocument?>> WindowAsync(long start, int count) =>
        await LoadManyAsync(await store.ListRangeAsync(_index, start, count));

    /// <summary>The documents with these ids, in that order (null where there is none), in one round trip.</summary>
    public async Task<IReadOnlyList<TDocument?>> LoadManyAsync(IReadOnlyList<string> ids) =>
        (await store.GetManyAsync(ids.Select(Key).ToList())).Select(json => json is null ? null : Parser.ParseJson(json)).ToList();

    private const int WindowSize = 500;

    /// <summary>Commit parts that create <paramref name="document"/> under a new id and list it.</summary>
    public (IReadOnlyList<StoreCondition> Conditions, IReadOnlyList<StoreWrite> Writes) Create(string id, TDocument document) =>
        ([new StoreCondition(Key(id), null)], [new StoreWrite(Key(id), Json.Format(document)), StoreWrite.Append(_index, id), .. Due(id, document)]);

    /// <summary>Commit parts that replace the document read as <paramref name="readJson"/>, if it is still that.</summary>
    public (IReadOnlyList<StoreCondition> Conditions, IReadOnlyList<StoreWrite> Writes) Replace(string id, string readJson, TDocument document) =>
        ([new StoreCondition(Key(id), readJson)], [new StoreWrite(Key(id), Json.Format(document)), .. Due(id, document)]);

    private StoreKey Schedule => new($"{area}-due", "all");

    private IEnumerable<StoreWrite> Due(string id, TDocument document)
    {
        if (dueAt is null)
        {
            yield break;
        }

        yield return dueAt(document) is { } due ? StoreWrite.Schedule(Schedule, id, due) : StoreWrite.Unschedule(Schedule, id);
    }

    /// <summary>
    /// The ids due at or before <paramref name="now"/>, soonest first, at most <paramref name="count"/>.
    /// The first call of a process puts the documents stored before the schedule existed on it (once per
    /// store: a marker records it), so an upgrade misses nothing.
    /// </summary>
    public async Task<IReadOnlyList<string>> DueIdsAsync(Instant now, int count)
    {
        await ScheduleEarlierDocumentsAsync();
        return await store.DueAsync(Schedule, now, count);
    }

    private bool _scheduleChecked;

    /// <summary>Puts documents stored before the schedule existed on it, once per store; the scans call it at start.</summary>
    public async Task ScheduleEarlierDocumentsAsync()
    {
        if (_scheduleChecked)
        {
            return;
        }

        var marker = new StoreKey($"{area}-due", "scheduled-earlier-documents");
        if (await store.GetAsync(marker) is not null)
        {
            _scheduleChecked = true;
            return;
        }

        foreach (var id in await store.ListHeadAsync(_index, int.MaxValue))
        {
            // Conditional on the document as read: a change committed meanwhile wrote its own entry.
            if (await LoadAsync(id) is { } loaded && dueAt?.Invoke(loaded.Document) is { } due)
            {
                await store.CommitAsync([new StoreCondition(Key(id), loaded.Json)], [StoreWrite.Schedule(Schedule, id, due)]);
            }
        }

        await store.SetAsync(marker, "1");
        _scheduleChecked = true;
    }
}
