using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Warnings.Contracts.V1;

namespace Warnings.Platform.Tests.Hostile;

/// <summary>
/// Generated and mutated requests for any protobuf message, found by reflection over its descriptor:
/// random and boundary values, oversize strings and lists, non-finite doubles, extreme timestamps,
/// huge polygons; malformed protobuf bytes; malformed JSON; hostile CAP XML. Everything comes from
/// one <see cref="Random"/>, so a seed reproduces an input exactly.
/// </summary>
public sealed class HostileInputs(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>Kinds that are a message (sent as protobuf over gRPC, as proto JSON over REST).</summary>
    public static readonly string[] MessageKinds =
    [
        "empty", "random", "strings-100k", "strings-special", "repeated-10k", "numbers-max", "numbers-min", "numbers-nan",
        "enums-undefined", "timestamps-year1", "timestamps-year9999", "timestamps-negative", "timestamps-nanos", "timestamps-overflow",
        "polygon-5000", "geo-nonfinite", "plausible", "mutated-timestamp", "mutated-number", "mutated-string", "mutated-list",
    ];

    /// <summary>Kinds that are raw (malformed) protobuf bytes, gRPC only.</summary>
    public static readonly string[] ByteKinds =
    [
        "bytes-random", "bytes-truncated", "bytes-invalid-utf8", "bytes-bad-length", "bytes-overlong-varint", "bytes-deep-groups",
        "bytes-invalid-tag", "bytes-wrong-wiretype", "bytes-unknown-fields",
    ];

    /// <summary>Kinds that are a raw (malformed) JSON body, REST routes with a body only.</summary>
    public static readonly string[] JsonKinds =
    [
        "json-syntax", "json-deep", "json-wrong-types", "json-invalid-utf8", "json-huge-number", "json-duplicate-keys", "json-content-type",
    ];

    /// <summary>Kinds for REST routes without a body: hostile query strings and path segments.</summary>
    public static readonly string[] QueryKinds = ["query-hostile", "path-hostile"];

    /// <summary>Hostile CAP documents, for <c>ImportCapDraft</c> only.</summary>
    public static readonly string[] CapKinds =
    [
        "cap-dtd", "cap-billion-laughs", "cap-external-entity", "cap-external-dtd", "cap-parameter-entity", "cap-deep-nesting", "cap-1mb",
        "cap-not-xml", "cap-xinclude", "cap-many-attributes",
    ];

    private static readonly string[] PlausibleWords =
    [
        "typhoon", "rainstorm", "gale", "heat", "red", "orange", "yellow", "blue", "310101", "310104", "310115", "310000", "SMB", "SEMB",
        "website", "sms", "tv", "partner_feed", "cell_broadcast", "zh-CN", "en", "production_safety", "I", "IV", "w-0123456789abcdef",
        "inc-1", "1", "0", "test-operator", "https://partner.example/hook",
    ];

    private static readonly string[] Special =
    [
        "", " ", "\0", "a\0b", "\r\n\r\n", "\u202Eevil", "../../../../etc/passwd", "' OR 1=1 --", "<script>alert(1)</script>", "%s%n%x",
        "${jndi:ldap://127.0.0.1/a}", "*", "wrn:*", "audit:log", "{prefix}:audit:log", "-1", "9223372036854775808", "NaN", "Infinity",
        "1e309", "null", "true", "🌀🌀🌀", "台风红色预警", "\u0085\u2028\u2029", "\uFEFF", "\t", "0x7fffffff", new string('é', 300),
    ];

    private static readonly string Huge = BuildHuge();

    private static string BuildHuge()
    {
        var text = new StringBuilder(100 * 1024);
        while (text.Length < 100 * 1024)
        {
            text.Append("hostile 台风 ");
        }

        return text.ToString(0, 100 * 1024);
    }

    private static readonly DateTime Around = DateTime.UtcNow;

    public IMessage Message(MessageDescriptor descriptor, string kind) => kind switch
    {
        "empty" => New(descriptor),
        "plausible" => Plausible(descriptor, 0),
        _ when kind.StartsWith("mutated-", StringComparison.Ordinal) => Mutated(descriptor, kind),
        _ => Fill(descriptor, kind, depth: 0, insideHugeList: false),
    };

    // ---- plausible requests (what a real client would send), and those with one field made hostile ----

    private IMessage Plausible(MessageDescriptor descriptor, int depth)
    {
        if (descriptor.FullName == Timestamp.Descriptor.FullName)
        {
            return Timestamp.FromDateTime(Around);
        }

        var message = New(descriptor);
        foreach (var field in descriptor.Fields.InDeclarationOrder())
        {
            if (field.IsMap || (field.ContainingOneof is { } oneof && oneof.Fields[0] != field))
            {
                continue;
            }

            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                if (IsPointList(field))
                {
                    foreach (var point in Ring(5))
                    {
                        list.Add(point);
                    }
                }
                else if (field.FieldType != FieldType.Message || depth < 4)
                {
                    if (PlausibleValue(field, depth) is { } item)
                    {
                        list.Add(item);
                    }
                }

                continue;
            }

            if (PlausibleValue(field, depth) is { } value)
            {
                field.Accessor.SetValue(message, value);
            }
        }

        return message;
    }

    private object? PlausibleValue(FieldDescriptor field, int depth)
    {
        string name = field.Name;
        switch (field.FieldType)
        {
            case FieldType.String:
                return name switch
                {
                    "request_id" or "idempotency_key" => $"h-{_random.NextInt64():x}",
                    "hazard" or "hazards" => Pick("typhoon", "rainstorm"),
                    "level" or "min_level" => Pick("red", "yellow", "orange", "blue"),
                    "district" or "districts" or "areas" => Pick("310101", "310104"),
                    "channels" or "channel" => Pick("website", "sms", "partner_feed"),
                    "language" => "zh-CN",
                    "department" => "SMB",
                    "category" => "production_safety",
                    "url" => "https://partner.example/hook",
                    "secret" => new string('s', 40),
                    "role" or "roles" => Pick("duty_officer", "partner"),
                    "page_token" or "resume_token" => Pick("", "0", "1"),
                    _ when name.EndsWith("_id", StringComparison.Ordinal) || name == "id" => Pick("w-0123456789abcdef", "inc-1", "g-1", "probe-1", "1"),
                    _ => Pick("台风红色预警", "仓库起火。", "黄浦区应急管理局", "张值班", "text"),
                };
            case FieldType.Double or FieldType.Float:
                double d = name switch
                {
                    "latitude" => 31.23 + _random.NextDouble() * 0.02,
                    "longitude" => 121.47 + _random.NextDouble() * 0.02,
                    "radius_km" => 5,
                    _ => _random.Next(1, 10),
                };
                return field.FieldType == FieldType.Float ? (float)d : d;
            case FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32:
                return name.Contains("page_size", StringComparison.Ordinal) ? 10 : _random.Next(0, 3);
            case FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64:
                return (long)_random.Next(0, 3);
            case FieldType.UInt32 or FieldType.Fixed32:
                return (uint)_random.Next(0, 3);
            case FieldType.UInt64 or FieldType.Fixed64:
                return (ulong)_random.Next(0, 3);
            case FieldType.Bool:
                return false;
            case FieldType.Enum:
                var values = field.EnumType.Values;
                return System.Enum.ToObject(field.EnumType.ClrType, values[Math.Min(1, values.Count - 1)].Number);
            case FieldType.Message when field.MessageType.FullName == Timestamp.Descriptor.FullName:
                bool later = name.Contains("expires", StringComparison.Ordinal) || name is "to" or "occurred_to" || name.Contains("until", StringComparison.Ordinal);
                return Timestamp.FromDateTime(Around.AddHours(later ? 6 : -1));
            case FieldType.Message:
                return depth >= 5 ? null : Plausible(field.MessageType, depth + 1);
            default:
                return null;
        }
    }

    private IMessage Mutated(MessageDescriptor descriptor, string kind)
    {
        var message = Plausible(descriptor, 0);
        var targets = new List<(IMessage Owner, FieldDescriptor Field)>();
        Collect(message, targets, 0);
        bool Fits(FieldDescriptor f) => kind switch
        {
            "mutated-timestamp" => f.FieldType == FieldType.Message && f.MessageType.FullName == Timestamp.Descriptor.FullName,
            "mutated-number" => f.FieldType is FieldType.Double or FieldType.Float or FieldType.Int32 or FieldType.Int64 or FieldType.SInt32 or FieldType.SInt64
                or FieldType.UInt32 or FieldType.UInt64 or FieldType.Fixed32 or FieldType.Fixed64 or FieldType.SFixed32 or FieldType.SFixed64,
            "mutated-string" => f.FieldType == FieldType.String,
            _ => f.IsRepeated,
        };
        var fitting = targets.Where(t => Fits(t.Field)).ToList();
        if (fitting.Count == 0)
        {
            return message;
        }

        var (owner, field) = fitting[_random.Next(fitting.Count)];
        string hostile = kind switch
        {
            "mutated-timestamp" => Pick("timestamps-year1", "timestamps-year9999", "timestamps-negative", "timestamps-nanos", "timestamps-overflow"),
            "mutated-number" => Pick("numbers-max", "numbers-min", "numbers-nan"),
            "mutated-string" => Pick("strings-100k", "strings-special"),
            _ => "repeated-10k",
        };
        if (field.IsRepeated)
        {
            var list = (IList)field.Accessor.GetValue(owner);
            object? sample = list.Count > 0 ? list[0] : PlausibleValue(field, 3);
            list.Clear();
            int count = hostile == "repeated-10k" ? 10_000 : 1;
            for (int i = 0; i < count; i++)
            {
                object? item = hostile == "repeated-10k" ? sample : Value(field, hostile, 3, insideHugeList: true);
                if (item is not null)
                {
                    list.Add(item);
                }
            }
        }
        else if (Value(field, hostile, 3, insideHugeList: true) is { } value)
        {
            field.Accessor.SetValue(owner, value);
        }

        return message;
    }

    private static void Collect(IMessage message, List<(IMessage, FieldDescriptor)> targets, int depth)
    {
        if (message.Descriptor.FullName == Timestamp.Descriptor.FullName || depth > 6)
        {
            return;
        }

        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            targets.Add((message, field));
            if (field.FieldType != FieldType.Message)
            {
                continue;
            }

            if (field.IsRepeated)
            {
                foreach (var item in ((IList)field.Accessor.GetValue(message)).OfType<IMessage>())
                {
                    Collect(item, targets, depth + 1);
                }
            }
            else if (field.Accessor.GetValue(message) is IMessage child)
            {
                Collect(child, targets, depth + 1);
            }
        }
    }

    private static IMessage New(MessageDescriptor descriptor) => (IMessage)Activator.CreateInstance(descriptor.ClrType)!;

    private static bool IsPointList(FieldDescriptor field) =>
        field.IsRepeated && field.FieldType == FieldType.Message && field.MessageType.Name == "GeoPoint";

    private static bool ContainsPointList(MessageDescriptor message, int depth = 0) =>
        depth < 4 && message.Fields.InDeclarationOrder().Any(f => IsPointList(f) || (f.FieldType == FieldType.Message && ContainsPointList(f.MessageType, depth + 1)));

    private IMessage Fill(MessageDescriptor descriptor, string kind, int depth, bool insideHugeList)
    {
        if (descriptor.FullName == Timestamp.Descriptor.FullName)
        {
            return TimestampFor(kind);
        }

        var message = New(descriptor);
        foreach (var field in descriptor.Fields.InDeclarationOrder())
        {
            if (field.IsMap)
            {
                continue;
            }

            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                if (kind == "polygon-5000" && IsPointList(field))
                {
                    foreach (var point in Ring(5000))
                    {
                        list.Add(point);
                    }

                    continue;
                }

                int count = kind switch
                {
                    "repeated-10k" when !insideHugeList && depth < 3 => 10_000,
                    "strings-100k" => 1,
                    "polygon-5000" when field.FieldType == FieldType.Message && ContainsPointList(field.MessageType) => _random.Next(1, 4),
                    _ when insideHugeList || depth >= 4 => _random.Next(0, 2),
                    _ => _random.Next(0, 4),
                };
                bool huge = insideHugeList || count >= 10_000;
                for (int i = 0; i < count; i++)
                {
                    if (Value(field, kind, depth, huge) is { } value)
                    {
                        list.Add(value);
                    }
                }

                continue;
            }

            if (Value(field, kind, depth, insideHugeList) is { } single)
            {
                field.Accessor.SetValue(message, single);
            }
        }

        return message;
    }

    private object? Value(FieldDescriptor field, string kind, int depth, bool insideHugeList)
    {
        bool geo = field.ContainingType.Name is "GeoPoint" or "Circle";
        switch (field.FieldType)
        {
            case FieldType.Double:
                return geo && kind == "geo-nonfinite" ? Pick(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e308, -91.0)
                    : geo && kind is "random" or "polygon-5000" ? (field.Name == "longitude" ? 121.4 : 31.2) + _random.NextDouble() * 0.1
                    : Double(kind);
            case FieldType.Float:
                return (float)Double(kind);
            case FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32:
                return kind switch
                {
                    "numbers-max" => int.MaxValue,
                    "numbers-min" => int.MinValue,
                    "numbers-nan" => -1,
                    _ => Pick(0, 1, -1, 20, 100, 101, int.MaxValue, int.MinValue, _random.Next()),
                };
            case FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64:
                return kind switch
                {
                    "numbers-max" => long.MaxValue,
                    "numbers-min" => long.MinValue,
                    "numbers-nan" => -1L,
                    _ => Pick(0L, 1L, -1L, 100L, long.MaxValue, long.MinValue, _random.NextInt64()),
                };
            case FieldType.UInt32 or FieldType.Fixed32:
                return kind == "numbers-max" ? uint.MaxValue : Pick(0u, 1u, uint.MaxValue);
            case FieldType.UInt64 or FieldType.Fixed64:
                return kind == "numbers-max" ? ulong.MaxValue : Pick(0ul, 1ul, ulong.MaxValue);
            case FieldType.Bool:
                return _random.Next(2) == 0;
            case FieldType.String:
                return String(kind, insideHugeList);
            case FieldType.Bytes:
                return ByteString.CopyFrom(RandomBytes(kind == "strings-100k" ? 100 * 1024 : _random.Next(0, 64)));
            case FieldType.Enum:
                var values = field.EnumType.Values;
                int number = kind == "enums-undefined" ? Pick(999, -1, int.MaxValue) : values[_random.Next(values.Count)].Number;
                return System.Enum.ToObject(field.EnumType.ClrType, number);
            case FieldType.Message:
                if (field.MessageType.FullName == Timestamp.Descriptor.FullName)
                {
                    return TimestampFor(kind);
                }

                return depth >= 5 ? null : Fill(field.MessageType, kind, depth + 1, insideHugeList);
            default:
                return null;
        }
    }

    private double Double(string kind) => kind switch
    {
        "numbers-max" => double.PositiveInfinity,
        "numbers-min" => double.NegativeInfinity,
        "numbers-nan" => double.NaN,
        _ => Pick(0.0, -0.0, 1.0, -1.0, 0.5, 200.0, 200.0001, double.Epsilon, double.MaxValue, double.MinValue, double.NaN,
            double.PositiveInfinity, double.NegativeInfinity, _random.NextDouble() * 1000),
    };

    private string String(string kind, bool insideHugeList) => kind switch
    {
        "strings-100k" => Huge,
        "strings-special" => Pick(Special),
        _ when insideHugeList => _random.Next(3) == 0 ? Pick(PlausibleWords) : $"x{_random.Next(100_000)}",
        _ => _random.Next(10) switch
        {
            < 6 => Pick(PlausibleWords),
            < 8 => Pick(Special),
            8 => _random.NextInt64().ToString("x", CultureInfo.InvariantCulture),
            _ => new string((char)_random.Next('a', 'z' + 1), _random.Next(1, 200)),
        },
    };

    private Timestamp TimestampFor(string kind) => kind switch
    {
        "timestamps-year1" => new Timestamp { Seconds = -62_135_596_800, Nanos = 0 },
        "timestamps-year9999" => new Timestamp { Seconds = 253_402_300_799, Nanos = 999_999_999 },
        "timestamps-negative" => new Timestamp { Seconds = Pick(-1L, -86_400L, -3_155_760_000L, -62_135_596_801L), Nanos = Pick(0, 1) },
        "timestamps-nanos" => new Timestamp { Seconds = Timestamp.FromDateTime(Around).Seconds, Nanos = Pick(1_000_000_000, -1, int.MaxValue, int.MinValue) },
        "timestamps-overflow" => new Timestamp { Seconds = Pick(long.MaxValue, long.MinValue, 253_402_300_800L, -62_135_596_801L), Nanos = Pick(0, 999_999_999) },
        _ => _random.Next(20) == 0
            ? new Timestamp { Seconds = Pick(-62_135_596_800L, 253_402_300_799L, 0L, -1L), Nanos = 0 }
            : Timestamp.FromDateTime(Around.AddMinutes(_random.Next(-600, 600))),
    };

    /// <summary>The strings proto JSON would carry for a kind of timestamp (the JSON formatter refuses to write them).</summary>
    public string JsonTimestampFor(string kind) => kind switch
    {
        "timestamps-year1" => Pick("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000001Z"),
        "timestamps-year9999" => Pick("9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59+14:00"),
        "timestamps-negative" => Pick("1969-12-31T23:59:59Z", "-0001-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "1900-01-01T00:00:00-14:00"),
        "timestamps-nanos" => Pick("2026-07-15T08:30:00.9999999999Z", "2026-07-15T08:30:00.Z", "2026-07-15T08:30:60Z", "2026-02-30T00:00:00Z", "2026-13-45T25:61:61Z"),
        _ => Pick("10000-01-01T00:00:00Z", "99999-12-31T23:59:59Z", "1e999", "now", "", "2026-07-15", "2026-07-15T08:30:00", "2026-07-15T08:30:00+99:99"),
    };

    private IEnumerable<GeoPoint> Ring(int count)
    {
        double radius = 0.01 + _random.NextDouble() * 0.05;
        var points = new List<GeoPoint>(count);
        for (int i = 0; i < count - 1; i++)
        {
            double angle = 2 * Math.PI * i / (count - 1);
            points.Add(new GeoPoint { Latitude = 31.23 + radius * Math.Sin(angle), Longitude = 121.47 + radius * Math.Cos(angle) });
        }

        points.Add(points[0].Clone());
        return points;
    }

    // ---- malformed protobuf bytes ----

    public byte[] Bytes(MessageDescriptor descriptor, string kind)
    {
        byte[] valid = Fill(descriptor, "random", 0, false).ToByteArray();
        var stringField = descriptor.Fields.InDeclarationOrder().FirstOrDefault(f => f.FieldType == FieldType.String && !f.IsRepeated)
            ?? descriptor.Fields.InDeclarationOrder().FirstOrDefault(f => f.FieldType == FieldType.String);
        int anyField = descriptor.Fields.InDeclarationOrder().FirstOrDefault()?.FieldNumber ?? 1;
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream, leaveOpen: true);
        void WriteRaw(byte[] raw)
        {
            output.Flush();
            stream.Write(raw);
        }

        switch (kind)
        {
            case "bytes-random":
                return RandomBytes(_random.Next(1, 128));
            case "bytes-truncated":
                return valid.Length >= 2 ? valid[..(_random.Next(1, valid.Length))] : [0x0A, 0x05, 0x61];
            case "bytes-invalid-utf8":
                WriteRaw(valid);
                output.WriteTag(stringField?.FieldNumber ?? anyField, WireFormat.WireType.LengthDelimited);
                byte[] invalid = Pick<byte[]>([0xC3, 0x28], [0xFF, 0xFE, 0xFD], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x61, 0x80, 0x62], [0xC0, 0xAF]);
                output.WriteLength(invalid.Length);
                WriteRaw(invalid);
                break;
            case "bytes-bad-length":
                output.WriteTag(stringField?.FieldNumber ?? anyField, WireFormat.WireType.LengthDelimited);
                output.WriteUInt32(Pick(0x7FFF_FFFFu, 0xFFFF_FFFFu, 1_000_000u));
                WriteRaw([0x61, 0x62, 0x63]);
                break;
            case "bytes-overlong-varint":
                output.WriteTag(anyField, WireFormat.WireType.Varint);
                WriteRaw(Enumerable.Repeat((byte)0xFF, 11).ToArray());
                break;
            case "bytes-deep-groups":
                for (int i = 0; i < 500; i++)
                {
                    output.WriteTag(9_999, WireFormat.WireType.StartGroup);
                }

                for (int i = 0; i < 500; i++)
                {
                    output.WriteTag(9_999, WireFormat.WireType.EndGroup);
                }

                break;
            case "bytes-invalid-tag":
                WriteRaw(Pick<byte[]>([0x00], [0x07, 0x01], [0x0C], [0x80, 0x80, 0x80, 0x80, 0x80, 0x01]));
                WriteRaw(valid);
                break;
            case "bytes-wrong-wiretype":
                foreach (var field in descriptor.Fields.InDeclarationOrder())
                {
                    if (field.FieldType is FieldType.String or FieldType.Message or FieldType.Bytes)
                    {
                        output.WriteTag(field.FieldNumber, WireFormat.WireType.Varint);
                        output.WriteInt64(-1);
                    }
                    else
                    {
                        output.WriteTag(field.FieldNumber, WireFormat.WireType.LengthDelimited);
                        output.WriteString("not a number");
                    }
                }

                break;
            case "bytes-unknown-fields":
                WriteRaw(valid);
                for (int i = 0; i < 5_000; i++)
                {
                    output.WriteTag(1_000 + i, WireFormat.WireType.LengthDelimited);
                    output.WriteString("u");
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        output.Flush();
        return stream.ToArray();
    }

    // ---- JSON ----

    /// <summary>Proto JSON of a message kind; timestamps-* kinds carry their hostile strings in every timestamp field.</summary>
    public JsonNode? Json(MessageDescriptor descriptor, string kind)
    {
        bool timestamps = kind.StartsWith("timestamps-", StringComparison.Ordinal);
        var message = Message(descriptor, timestamps ? "random" : kind);
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(JsonFormatter.Default.Format(message));
        }
        catch (InvalidOperationException)
        {
            // A value proto JSON cannot express (e.g. an out-of-range timestamp from a random fill): fall back to an empty message.
            json = new JsonObject();
        }

        if (timestamps && json is JsonObject root)
        {
            ReplaceTimestamps(descriptor, root, kind);
        }

        return json;
    }

    private void ReplaceTimestamps(MessageDescriptor descriptor, JsonObject json, string kind)
    {
        foreach (var field in descriptor.Fields.InDeclarationOrder().Where(f => f.FieldType == FieldType.Message))
        {
            if (field.MessageType.FullName == Timestamp.Descriptor.FullName)
            {
                json[field.JsonName] = field.IsRepeated ? new JsonArray(JsonValue.Create(JsonTimestampFor(kind))) : JsonValue.Create(JsonTimestampFor(kind));
                continue;
            }

            switch (json[field.JsonName])
            {
                case JsonObject child:
                    ReplaceTimestamps(field.MessageType, child, kind);
                    break;
                case JsonArray items:
                    foreach (var item in items.OfType<JsonObject>())
                    {
                        ReplaceTimestamps(field.MessageType, item, kind);
                    }

                    break;
            }
        }
    }

    /// <summary>A malformed JSON body and the content type to send it with.</summary>
    public (byte[] Body, string ContentType) RawJson(MessageDescriptor descriptor, string kind)
    {
        string contentType = "application/json";
        string text;
        switch (kind)
        {
            case "json-syntax":
                text = Pick("", "{", "}", "[]", "null", "\"x\"", "42", "{\"requestId\":}", "{'requestId':'x'}", "{\"requestId\":\"x\",}",
                    "{\"requestId\":\"\\ud800\"}", "{\"requestId\":\"\\u0000\"}", "{\"x\":NaN}", "{} {}", "{\"requestId\":\"x\"", "\uFEFF{}", "{/*c*/}");
                break;
            case "json-deep":
                int depth = Pick(1_000, 100_000);
                text = _random.Next(2) == 0 ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
                break;
            case "json-wrong-types":
                var wrong = new JsonObject();
                foreach (var field in descriptor.Fields.InDeclarationOrder())
                {
                    wrong[field.JsonName] = field.FieldType switch
                    {
                        FieldType.Message or FieldType.String when field.IsRepeated => JsonValue.Create("not a list"),
                        FieldType.Message => Pick<JsonNode>(JsonValue.Create(42), new JsonArray(1, 2), JsonValue.Create("x")),
                        FieldType.String => Pick<JsonNode>(new JsonObject { ["a"] = 1 }, new JsonArray("a"), JsonValue.Create(true)),
                        FieldType.Bool => JsonValue.Create("maybe"),
                        FieldType.Enum => Pick<JsonNode>(JsonValue.Create("NO_SUCH_VALUE"), JsonValue.Create(1.5)),
                        _ => Pick<JsonNode>(JsonValue.Create("twelve"), new JsonObject(), JsonValue.Create(true)),
                    };
                }

                text = wrong.ToJsonString();
                break;
            case "json-invalid-utf8":
                var prefix = Encoding.UTF8.GetBytes("{\"requestId\":\"");
                byte[] bad = Pick<byte[]>([0xC3, 0x28], [0xFF, 0xFE], [0xED, 0xA0, 0x80], [0xC0, 0xAF]);
                return ([.. prefix, .. bad, .. Encoding.UTF8.GetBytes("\"}")], contentType);
            case "json-huge-number":
                var numbers = new JsonObject();
                foreach (var field in descriptor.Fields.InDeclarationOrder().Where(f => !f.IsRepeated && f.FieldType is not (FieldType.Message or FieldType.String or FieldType.Bytes or FieldType.Bool)))
                {
                    numbers[field.JsonName] = JsonNode.Parse(Pick("1e999", "-1e999", "99999999999999999999999999", "1.5", "-0", "\"0x10\"", "\"NaN\"", "\"-Infinity\"", "\"1e400\""));
                }

                numbers["requestId"] = "n-" + _random.Next();
                text = numbers.ToJsonString();
                break;
            case "json-duplicate-keys":
                string name = descriptor.Fields.InDeclarationOrder().FirstOrDefault()?.JsonName ?? "requestId";
                text = $"{{\"{name}\":\"a\",\"{name}\":\"b\",\"{name}\":{{}}}}";
                break;
            case "json-content-type":
                text = Json(descriptor, "random")?.ToJsonString() ?? "{}";
                contentType = Pick("text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        return (Encoding.UTF8.GetBytes(text), contentType);
    }

    /// <summary>Flattens proto JSON into query parameters (nested fields as <c>a.b</c>, lists repeated).</summary>
    public static IEnumerable<(string Name, string Value)> Query(JsonNode? json, string prefix = "")
    {
        if (json is not JsonObject obj)
        {
            yield break;
        }

        foreach (var (name, value) in obj)
        {
            string path = prefix + name;
            switch (value)
            {
                case JsonObject child:
                    foreach (var pair in Query(child, path + "."))
                    {
                        yield return pair;
                    }

                    break;
                case JsonArray items:
                    foreach (var item in items.OfType<JsonValue>())
                    {
                        yield return (path, Scalar(item));
                    }

                    break;
                case JsonValue scalar:
                    yield return (path, Scalar(scalar));
                    break;
            }
        }
    }

    private static string Scalar(JsonValue value)
    {
        string text = value.TryGetValue(out string? s) ? s : value.ToJsonString();
        return text.Length > 2_000 ? text[..2_000] : text;
    }

    /// <summary>A hostile query-string or path value.</summary>
    public string HostileUrlValue() => Pick(
        "%00", "%FF%FE", "%C3%28", "..%2F..%2F", "%2F", "a%20b", "%E2%80%AE", "%25", "%", "%%%", "-1", "-2147483649", "2147483648",
        "9223372036854775808", "NaN", "Infinity", "1e999", "true", "%5B%5D", "%7B%7D", Uri.EscapeDataString(new string('x', 2_000)),
        Uri.EscapeDataString("台风"), "0001-01-01T00%3A00%3A00Z", "9999-12-31T23%3A59%3A59.999999999Z", "10000-01-01T00%3A00%3A00Z");

    // ---- CAP XML ----

    private const string CapNs = "urn:oasis:names:tc:emergency:cap:1.2";

    private static string Alert(string description, string extra = "") => $"""
        <alert xmlns="{CapNs}"{extra}>
          <identifier>hostile-{Guid.Empty:N}</identifier>
          <sender>hostile@example.invalid</sender>
          <sent>2026-07-15T16:30:00+08:00</sent>
          <status>Actual</status>
          <msgType>Alert</msgType>
          <scope>Public</scope>
          <info>
            <language>zh-CN</language>
            <category>Met</category>
            <event>typhoon</event>
            <urgency>Immediate</urgency>
            <severity>Extreme</severity>
            <certainty>Likely</certainty>
            <expires>2026-07-16T04:30:00+08:00</expires>
            <headline>台风红色预警</headline>
            <description>{description}</description>
            <area><areaDesc>黄浦区</areaDesc><geocode><valueName>district</valueName><value>310101</value></geocode></area>
          </info>
        </alert>
        """;

    public string Cap(string kind) => kind switch
    {
        "cap-dtd" => "<?xml version=\"1.0\"?>\n<!DOCTYPE alert [<!ELEMENT alert ANY>]>\n" + Alert("dtd"),
        "cap-billion-laughs" => "<?xml version=\"1.0\"?>\n<!DOCTYPE alert [\n<!ENTITY lol \"lol\">\n"
            + string.Concat(Enumerable.Range(1, 9).Select(i => $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat(i == 1 ? "&lol;" : $"&lol{i - 1};", 10))}\">\n"))
            + "]>\n" + Alert("&lol9;"),
        "cap-external-entity" => "<?xml version=\"1.0\"?>\n<!DOCTYPE alert [<!ENTITY xxe SYSTEM \"" + Pick("file:///etc/passwd", "http://127.0.0.1:1/x", "http://169.254.169.254/latest/meta-data/") + "\">]>\n" + Alert("&xxe;"),
        "cap-external-dtd" => "<?xml version=\"1.0\"?>\n<!DOCTYPE alert SYSTEM \"http://127.0.0.1:1/cap.dtd\">\n" + Alert("external dtd"),
        "cap-parameter-entity" => "<?xml version=\"1.0\"?>\n<!DOCTYPE alert [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>\n" + Alert("pe"),
        "cap-deep-nesting" => Alert("deep").Replace("<description>deep</description>",
            DeepNesting(Pick(10_000, 100_000)), StringComparison.Ordinal),
        "cap-1mb" => Alert(new string('雨', 350_000)),
        "cap-not-xml" => Pick("", "not xml", "<alert", "<alert></wrong>", "\0\0\0", "<?xml version=\"1.0\" encoding=\"UTF-7\"?><alert/>", "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.1\"/>", Huge),
        "cap-xinclude" => Alert("<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file:///etc/passwd\" parse=\"text\"/>"),
        "cap-many-attributes" => Alert("attrs", string.Concat(Enumerable.Range(0, 50_000).Select(i => $" a{i}=\"{i}\""))),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string DeepNesting(int depth) => string.Concat(Enumerable.Repeat("<x>", depth)) + string.Concat(Enumerable.Repeat("</x>", depth));

    // ---- randomness ----

    public T Pick<T>(params T[] choices) => choices[_random.Next(choices.Length)];

    public int Next(int max) => _random.Next(max);

    private byte[] RandomBytes(int count)
    {
        byte[] bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
