using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;

namespace Warnings.Core.Http;

/// <summary>
/// The members of a JSON request body that are no field of its protobuf message. gRPC JSON
/// transcoding skips them silently (it has no setting to refuse them), so a misspelt
/// <c>"warningID"</c> or a field from another version was read as "not given" and the call went on
/// with a default. The REST guard refuses a body with any of them instead, naming each.
/// </summary>
public static class UnknownJsonFields
{
    /// <summary>At most this many are named: enough to fix a body, bounded for a hostile one.</summary>
    public const int MaxReported = 20;

    /// <summary>
    /// The JSON paths (<c>content.hazrd</c>, <c>texts[1].titel</c>) of members that name no field of
    /// <paramref name="message"/>, recursively through message, repeated and map fields. A member is
    /// known by its JSON name or its proto name, as the protobuf JSON parser reads both. Well-known
    /// types (Timestamp, Struct, Any...) have JSON forms of their own and are not looked into.
    /// </summary>
    public static IReadOnlyList<string> Find(MessageDescriptor message, JsonNode? body)
    {
        var found = new List<string>();
        Walk(message, body, "", found);
        return found;
    }

    private static void Walk(MessageDescriptor message, JsonNode? node, string path, List<string> found)
    {
        if (node is not JsonObject json || IsWellKnown(message))
        {
            return; // not an object: the parser refuses it with its own message
        }

        foreach (var (name, value) in json)
        {
            if (found.Count >= MaxReported)
            {
                return;
            }

            string at = path.Length == 0 ? name : $"{path}.{name}";
            var field = message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == name || f.Name == name);
            if (field is null)
            {
                found.Add(at);
                continue;
            }

            if (field.FieldType != FieldType.Message)
            {
                continue;
            }

            if (field.IsMap)
            {
                var valueField = field.MessageType.FindFieldByNumber(2);
                if (valueField.FieldType == FieldType.Message && value is JsonObject entries)
                {
                    foreach (var (key, entry) in entries)
                    {
                        Walk(valueField.MessageType, entry, $"{at}[{key}]", found);
                    }
                }
            }
            else if (field.IsRepeated && value is JsonArray items)
            {
                for (int i = 0; i < items.Count; i++)
                {
                    Walk(field.MessageType, items[i], $"{at}[{i}]", found);
                }
            }
            else
            {
                Walk(field.MessageType, value, at, found);
            }
        }
    }

    private static bool IsWellKnown(MessageDescriptor message) => message.File.Package == "google.protobuf";
}
