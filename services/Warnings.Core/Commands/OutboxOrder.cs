using System.Collections.Concurrent;
using System.Text.Json;

namespace Warnings.Core.Commands;

/// <summary>
/// Which outbox entries must reach the bus one after another: those of the same aggregate (one
/// warning, one incident), named by the first of <c>warningId</c>, <c>incidentId</c> or
/// <c>version.warningId</c> in the event's JSON. Entries naming none of them (list changes, probes,
/// and any event this build does not know) keep one sequence of their own, so nothing unrecognised
/// is ever reordered. Order between different aggregates is not kept; no consumer relies on it.
/// </summary>
public static class OutboxOrder
{
    private static readonly ConcurrentDictionary<string, Type?> Types = new(StringComparer.Ordinal);

    /// <summary>The positions of <paramref name="payloads"/>, grouped into sequences to publish in order; sequences may go out side by side.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> Sequences(IReadOnlyList<string> payloads, IReadOnlyList<string> messageTypes)
    {
        var sequences = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<List<int>>();
        for (int i = 0; i < payloads.Count; i++)
        {
            // Unknown types share the one keyless sequence: they are parked in order, never raced.
            string key = TypeOf(messageTypes[i]) is null ? "" : KeyOf(payloads[i]);
            if (!sequences.TryGetValue(key, out var sequence))
            {
                sequences[key] = sequence = [];
                order.Add(sequence);
            }

            sequence.Add(i);
        }

        return order;
    }

    /// <summary>The aggregate an event belongs to, or "" when it names none.</summary>
    public static string KeyOf(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "";
        }

        if (Text(root, "warningId") is { } warning)
        {
            return $"warning:{warning}";
        }

        if (Text(root, "incidentId") is { } incident)
        {
            return $"incident:{incident}";
        }

        return Property(root, "version") is { ValueKind: JsonValueKind.Object } version && Text(version, "warningId") is { } versioned ? $"warning:{versioned}" : "";
    }

    /// <summary>The CLR type an entry names, resolved once per name (null when this build does not know it).</summary>
    public static Type? TypeOf(string messageType) => Types.GetOrAdd(messageType, name => Type.GetType(name, throwOnError: false));

    private static string? Text(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static JsonElement? Property(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }
}
