using System.Xml.Linq;
using Google.Protobuf.WellKnownTypes;
using Warnings.Contracts.V1;

namespace Warnings.Issuing.Cap;

/// <summary>
/// Reads a CAP 1.2 alert as a warning draft. What a draft needs and CAP may lack is refused with a
/// reason per problem rather than guessed: the message must be a valid CAP 1.2 Alert with status
/// Actual, have a zh-CN info block, a hazard on the publication list (eventCode "hazard", or an
/// event named as on the list), districts as GB/T 2260 geocodes, and an expiry. Level comes from a
/// "level" parameter, else from severity (Extreme red, Severe orange, Moderate yellow, Minor blue).
/// Channels are not in CAP: the draft gets the website, to be edited before submission.
/// </summary>
public static class CapReader
{
    private static readonly XNamespace Cap = CapWriter.Cap;

    /// <summary>ErrorInfo reason of a CAP document refused for carrying a DTD.</summary>
    public const string DtdNotAllowed = "CAP_DTD_NOT_ALLOWED";

    /// <summary>ErrorInfo reason of a CAP document that cannot become a draft.</summary>
    public const string NotImportable = "CAP_NOT_IMPORTABLE";

    /// <summary>The draft, or every problem and the reason code to refuse with.</summary>
    public sealed record Result(WarningContent? Content, IReadOnlyList<(string Field, string Reason)> Problems, string ErrorReason = NotImportable);

    public static Result ToDraft(string xml, Contracts.V1.PublicationList list)
    {
        var problems = new List<(string, string)>();
        var (document, schemaErrors) = CapSchema.Parse(xml, out bool isDtd);
        if (isDtd)
        {
            return new Result(null, [("cap_xml", schemaErrors[0])], DtdNotAllowed);
        }

        if (document?.Root is not { } alert || alert.Name != Cap + "alert")
        {
            return new Result(null, [("cap_xml", document is null ? schemaErrors[0] : "the root element is not a CAP 1.2 <alert>")]);
        }

        problems.AddRange(schemaErrors.Select(e => ("cap_xml", $"not valid CAP 1.2: {e}")));
        string? msgType = alert.Element(Cap + "msgType")?.Value;
        if (msgType != "Alert")
        {
            problems.Add(("alert.msgType", $"only Alert messages import as drafts, not {msgType ?? "none"}"));
        }

        if (alert.Element(Cap + "status")?.Value is { } status && status != "Actual")
        {
            problems.Add(("alert.status", $"only Actual alerts import, not {status}"));
        }

        var infos = alert.Elements(Cap + "info").ToList();
        if (infos.FirstOrDefault(i => Language(i) == "zh-CN") is not { } zh)
        {
            problems.Add(("alert.info.language", $"a zh-CN info block is required (found {string.Join(", ", infos.Select(Language).DefaultIfEmpty("none"))})"));

            // Read on in the block there is (or an empty one), so every other gap is reported at once.
            zh = infos.FirstOrDefault() ?? new XElement(Cap + "info");
        }

        var content = new WarningContent { Contact = zh.Element(Cap + "contact")?.Value ?? "" };
        string? hazard = Values(zh, "eventCode", "hazard").FirstOrDefault()
            ?? list.Hazards.FirstOrDefault(h => h.Name == zh.Element(Cap + "event")?.Value || h.Code == zh.Element(Cap + "event")?.Value)?.Code;
        if (hazard is null || list.Hazards.All(h => h.Code != hazard))
        {
            problems.Add(("alert.info.event", $"'{hazard ?? zh.Element(Cap + "event")?.Value}' is not a hazard on the publication list"));
        }
        else
        {
            content.Hazard = hazard;
        }

        content.Level = Values(zh, "parameter", "level").FirstOrDefault() is { } level ? (level == "none" ? "" : level) : FromSeverity(zh.Element(Cap + "severity")?.Value);
        var districts = zh.Elements(Cap + "area").SelectMany(a => Values(a, "geocode", "GB/T 2260")).Distinct().ToList();
        if (districts.Count == 0)
        {
            var others = zh.Elements(Cap + "area").Elements(Cap + "geocode").Select(g => g.Element(Cap + "valueName")?.Value).Distinct().ToList();
            problems.Add(("alert.info.area.geocode", others.Count == 0
                ? "no district given as a GB/T 2260 geocode"
                : $"no district given as a GB/T 2260 geocode (found {string.Join(", ", others)} codes)"));
        }
        else if (districts.Where(d => list.Districts.All(known => known.Code != d)).ToList() is { Count: > 0 } unknown)
        {
            problems.Add(("alert.info.area.geocode", $"not districts of the city: {string.Join(", ", unknown.Take(10))}"));
        }

        content.Districts.AddRange(districts);
        foreach (var polygon in zh.Elements(Cap + "area").Elements(Cap + "polygon"))
        {
            var points = polygon.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(ParsePoint).ToList();
            if (points.Any(p => p is null))
            {
                problems.Add(("alert.info.area.polygon", $"'{polygon.Value}' is not a list of 'latitude,longitude' pairs"));
                continue;
            }

            content.Polygons.Add(new Polygon { Points = { points! } });
        }

        foreach (var circle in zh.Elements(Cap + "area").Elements(Cap + "circle"))
        {
            var parts = circle.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || ParsePoint(parts[0]) is not { } center || !double.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double radius))
            {
                problems.Add(("alert.info.area.circle", $"'{circle.Value}' is not 'latitude,longitude radius'"));
                continue;
            }

            content.Circles.Add(new Circle { Center = center, RadiusKm = radius });
        }

        var onset = Time(zh, "onset") ?? Time(zh, "effective") ?? Time(alert, "sent");
        var expires = Time(zh, "expires");
        if (onset is not null)
        {
            content.OnsetAt = onset;
        }

        if (expires is null)
        {
            problems.Add(("alert.info.expires", "an expiry is required"));
        }
        else
        {
            content.ExpiresAt = expires;
        }

        foreach (var info in infos.Where(i => Language(i) is "zh-CN" || IsEnglish(i)).DistinctBy(i => IsEnglish(i)))
        {
            content.Texts.Add(new WarningText
            {
                Language = IsEnglish(info) ? "en" : "zh-CN",
                Headline = info.Element(Cap + "headline")?.Value ?? "",
                Description = info.Element(Cap + "description")?.Value ?? "",
                Instruction = info.Element(Cap + "instruction")?.Value ?? "",
            });
        }

        content.Channels.Add("website");
        return new Result(problems.Count == 0 ? content : null, problems);
    }

    // "lat,lon" as CAP writes it; null when it is not that.
    private static GeoPoint? ParsePoint(string pair)
    {
        var parts = pair.Split(',');
        var style = System.Globalization.NumberStyles.Float;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        return parts.Length == 2 && double.TryParse(parts[0], style, culture, out double latitude) && double.TryParse(parts[1], style, culture, out double longitude)
            ? new GeoPoint { Latitude = latitude, Longitude = longitude }
            : null;
    }

    // CAP's default language is en-US.
    private static string Language(XElement info) => info.Element(Cap + "language")?.Value ?? "en-US";

    // The platform's English text is "en"; CAP writers say en-US, en-GB... (RFC 3066).
    private static bool IsEnglish(XElement info) => Language(info) is var language && (language == "en" || language.StartsWith("en-", StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<string> Values(XElement parent, string element, string valueName) =>
        parent.Elements(Cap + element).Where(e => e.Element(Cap + "valueName")?.Value == valueName).Select(e => e.Element(Cap + "value")?.Value ?? "");

    private static Timestamp? Time(XElement parent, string element) =>
        DateTimeOffset.TryParse(parent.Element(Cap + element)?.Value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at)
            ? Timestamp.FromDateTimeOffset(at)
            : null;

    private static string FromSeverity(string? severity) => severity switch
    {
        "Extreme" => "red",
        "Severe" => "orange",
        "Moderate" => "yellow",
        "Minor" => "blue",
        _ => "",
    };
}
