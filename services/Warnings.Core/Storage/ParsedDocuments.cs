using System.Collections.Concurrent;
using Google.Protobuf;

namespace Warnings.Core.Storage;

/// <summary>
/// The last protobuf JSON of each document this process read or wrote, beside the document it is: a
/// read that finds exactly that JSON again takes a copy instead of parsing it (docs/performance.md,
/// tenth round: parsing the stored documents was 5 % of the platform's CPU per warning, most of it
/// documents this process had just written, read again by the analysis projection). Only the JSON
/// decides: a document changed anywhere, by any process, has other JSON and is parsed. Callers get
/// copies, so none can change what another reads. Bounded: at <see cref="Capacity"/> ids it starts
/// again empty.
/// </summary>
public sealed class ParsedDocuments<TDocument>
    where TDocument : class, IMessage<TDocument>, new()
{
    public const int Capacity = 1024;

    private static readonly MessageParser<TDocument> Parser = new(() => new TDocument());
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);

    private readonly ConcurrentDictionary<string, (string Json, TDocument Document)> _last = new(StringComparer.Ordinal);

    /// <summary>How many ids it holds now (at most <see cref="Capacity"/>).</summary>
    public int Count => _last.Count;

    /// <summary>The document <paramref name="json"/> (stored under <paramref name="id"/>) is, as a copy of its own.</summary>
    public TDocument Parse(string id, string json)
    {
        if (_last.TryGetValue(id, out var last) && string.Equals(last.Json, json, StringComparison.Ordinal))
        {
            return last.Document.Clone();
        }

        var document = Parser.ParseJson(json);
        Remember(id, json, document.Clone());
        return document;
    }

    /// <summary>
    /// The JSON to store <paramref name="document"/> under <paramref name="id"/>, remembered with a copy
    /// of it (the next read of that JSON, typically just after the commit, then parses nothing; a
    /// commit that is refused leaves an entry no read will match). The copy is the document as written:
    /// equal to what parsing its JSON gives, except that a negative zero stays negative (the JSON leaves
    /// zeros out), which compares equal as a number and formats to the same JSON.
    /// </summary>
    public string Format(string id, TDocument document)
    {
        string json = Json.Format(document);
        Remember(id, json, document.Clone());
        return json;
    }

    private void Remember(string id, string json, TDocument document)
    {
        if (_last.Count >= Capacity && !_last.ContainsKey(id))
        {
            _last.Clear();
        }

        _last[id] = (json, document);
    }
}
