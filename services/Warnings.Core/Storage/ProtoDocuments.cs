using Google.Protobuf;

namespace Warnings.Core.Storage;

/// <summary>
/// Documents kept whole in the store, one per id (<c>{area}:{id}</c>, protobuf JSON), listed in
/// <c>{area}-index:all</c>. A change is conditional on the document being exactly as read, so two
/// concurrent changes to one document cannot both apply: <see cref="Replace"/> and
/// <see cref="Create"/> give the conditions and writes for a <see cref="Warnings.Core.Commands.CommandPlan{TResponse}"/>.
/// </summary>
public class ProtoDocuments<TDocument>(IStateStore store, string area)
    where TDocument : IMessage<TDocument>, new()
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

    /// <summary>Every document, in creation order.</summary>
    public async Task<IReadOnlyList<TDocument>> AllAsync()
    {
        var documents = new List<TDocument>();
        foreach (var id in await store.ListHeadAsync(_index, int.MaxValue))
        {
            if (await LoadAsync(id) is { } loaded)
            {
                documents.Add(loaded.Document);
            }
        }

        return documents;
    }

    /// <summary>Commit parts that create <paramref name="document"/> under a new id and list it.</summary>
    public (IReadOnlyList<StoreCondition> Conditions, IReadOnlyList<StoreWrite> Writes) Create(string id, TDocument document) =>
        ([new StoreCondition(Key(id), null)], [new StoreWrite(Key(id), Json.Format(document)), StoreWrite.Append(_index, id)]);

    /// <summary>Commit parts that replace the document read as <paramref name="readJson"/>, if it is still that.</summary>
    public (IReadOnlyList<StoreCondition> Conditions, IReadOnlyList<StoreWrite> Writes) Replace(string id, string readJson, TDocument document) =>
        ([new StoreCondition(Key(id), readJson)], [new StoreWrite(Key(id), Json.Format(document))]);
}
