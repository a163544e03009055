using System.Globalization;
using System.Xml.Linq;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Core.Identity;

namespace Warnings.Issuing.Cap;

/// <summary>
/// Writes a published warning version as an OASIS CAP 1.2 alert. The mapping (also in the README):
/// <list type="bullet">
/// <item>level -> severity: red Extreme, orange Severe, yellow Moderate, blue Minor, none Unknown;</item>
/// <item>version kind -> msgType Alert / Update / Cancel, with <c>references</c> naming every earlier version;</item>
/// <item>identifier: <c>310000-{department}-{sent, yyyyMMddHHmmss Asia/Shanghai}-{warning}-{version}</c>,
/// area code, sent time and sequence in the spirit of GB/T 35965.1;</item>
/// <item>one <c>info</c> per language (zh-CN always, en when written); hazard as <c>event</c> and
/// <c>eventCode</c>; districts as <c>geocode</c> (GB/T 2260) under one <c>area</c>;</item>
/// <item>the grant's response measures as <c>parameter</c> responseMeasure, and the level and
/// publication-list version as parameters;</item>
/// <item>times in Asia/Shanghai with their offset, to the second, as the CAP schema requires.</item>
/// </list>
/// </summary>
public static class CapWriter
{
    public static readonly XNamespace Cap = "urn:oasis:names:tc:emergency:cap:1.2";
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>Display names for codes; codes stand in where a name is missing.</summary>
    public sealed record Vocabulary(IReadOnlyDictionary<string, string> Departments, IReadOnlyDictionary<string, string> Hazards, IReadOnlyDictionary<string, string> Districts)
    {
        public static Vocabulary Empty { get; } = new(new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, string>());

        /// <summary>The names a publication list gives its departments, hazards and districts.</summary>
        public static Vocabulary From(Contracts.V1.PublicationList list) => new(
            list.Departments.GroupBy(d => d.Code).ToDictionary(g => g.Key, g => g.First().Name),
            list.Hazards.GroupBy(h => h.Code).ToDictionary(g => g.Key, g => g.First().Name),
            list.Districts.GroupBy(d => d.Code).ToDictionary(g => g.Key, g => g.First().Name));
    }

    /// <summary>The alert as UTF-8 XML text with its declaration.</summary>
    public static string ToXml(PublishedWarningVersion version, Vocabulary vocabulary)
    {
        var document = Write(version, vocabulary);
        return $"{document.Declaration}{Environment.NewLine}{document.Root}";
    }

    public static XDocument Write(PublishedWarningVersion version, Vocabulary vocabulary)
    {
        var alert = new XElement(Cap + "alert",
            new XElement(Cap + "identifier", Identifier(version, version.Version, version.PublishedAt)),
            new XElement(Cap + "sender", Sender(version)),
            new XElement(Cap + "sent", Time(version.PublishedAt)),
            new XElement(Cap + "status", "Actual"),
            new XElement(Cap + "msgType", version.Kind),
            new XElement(Cap + "scope", "Public"));
        if (version.References.Count > 0)
        {
            alert.Add(new XElement(Cap + "references", string.Join(' ',
                version.References.Select(r => $"{Sender(version)},{Identifier(version, r.Version, r.PublishedAt)},{Time(r.PublishedAt)}"))));
        }

        foreach (var text in version.Texts.OrderBy(t => t.Language == "zh-CN" ? 0 : 1))
        {
            alert.Add(Info(version, text, vocabulary));
        }

        return new XDocument(new XDeclaration("1.0", "UTF-8", null), alert);
    }

    /// <summary>The CAP identifier of one version of a warning.</summary>
    public static string Identifier(PublishedWarningVersion warning, int version, Instant sent) =>
        string.Create(CultureInfo.InvariantCulture, $"{Scopes.CityWide}-{warning.Department}-{sent.InZone(Shanghai):yyyyMMddHHmmss}-{warning.WarningId}-{version}");

    private static string Sender(PublishedWarningVersion version) => $"{version.Department.ToLowerInvariant()}@warnings.shanghai";

    private static XElement Info(PublishedWarningVersion version, WarningTextContent text, Vocabulary vocabulary)
    {
        bool chinese = text.Language == "zh-CN";
        var info = new XElement(Cap + "info",
            new XElement(Cap + "language", text.Language),
            new XElement(Cap + "category", Category(version.Hazard)),
            new XElement(Cap + "event", chinese && vocabulary.Hazards.TryGetValue(version.Hazard, out var hazardName) ? hazardName : version.Hazard.Replace('_', ' ')),
            new XElement(Cap + "responseType", version.Kind == "Cancel" ? "AllClear" : "Prepare"),
            new XElement(Cap + "urgency", version.Kind == "Cancel" ? "Past" : version.OnsetAt <= version.PublishedAt ? "Immediate" : "Expected"),
            new XElement(Cap + "severity", Severity(version.Level)),
            new XElement(Cap + "certainty", version.Kind == "Cancel" ? "Observed" : "Likely"),
            Value("eventCode", "hazard", version.Hazard),
            new XElement(Cap + "effective", Time(version.PublishedAt)),
            new XElement(Cap + "onset", Time(version.OnsetAt)),
            new XElement(Cap + "expires", Time(version.ExpiresAt)),
            new XElement(Cap + "senderName", vocabulary.Departments.TryGetValue(version.Department, out var department) ? department : version.Department),
            new XElement(Cap + "headline", text.Headline));
        Optional(info, "description", text.Description);
        Optional(info, "instruction", text.Instruction);
        Optional(info, "contact", version.Contact);
        info.Add(Value("parameter", "level", version.Level.Length > 0 ? version.Level : "none"));
        info.Add(Value("parameter", "publicationListVersion", version.ListVersion.ToString(CultureInfo.InvariantCulture)));
        foreach (var measure in version.ResponseMeasures)
        {
            info.Add(Value("parameter", "responseMeasure", measure));
        }

        var area = new XElement(Cap + "area", new XElement(Cap + "areaDesc", string.Join(' ', version.Districts.Select(d => AreaName(d, vocabulary)))));
        foreach (var polygon in version.Polygons ?? [])
        {
            area.Add(new XElement(Cap + "polygon", string.Join(' ', polygon.Points.Select(Point))));
        }

        foreach (var circle in version.Circles ?? [])
        {
            area.Add(new XElement(Cap + "circle", string.Create(CultureInfo.InvariantCulture, $"{Point(circle.Center)} {circle.RadiusKm:0.###}")));
        }

        foreach (var district in version.Districts)
        {
            area.Add(Value("geocode", "GB/T 2260", district));
        }

        info.Add(area);
        return info;
    }

    private static string Point(GeoCoordinate point) => string.Create(CultureInfo.InvariantCulture, $"{point.Latitude:0.######},{point.Longitude:0.######}");

    private static string AreaName(string district, Vocabulary vocabulary) =>
        district == Scopes.CityWide ? "上海市" : vocabulary.Districts.TryGetValue(district, out var name) ? name : district;

    private static void Optional(XElement parent, string name, string value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            parent.Add(new XElement(Cap + name, value));
        }
    }

    private static XElement Value(string element, string name, string value) =>
        new(Cap + element, new XElement(Cap + "valueName", name), new XElement(Cap + "value", value));

    /// <summary>CAP dateTime: local time with offset, whole seconds (the schema allows no fraction and no "Z").</summary>
    public static string Time(Instant instant) =>
        instant.InZone(Shanghai).ToOffsetDateTime().ToString("uuuu'-'MM'-'dd'T'HH':'mm':'sso<+HH:mm>", CultureInfo.InvariantCulture);

    public static string Severity(string level) => level switch
    {
        "red" => "Extreme",
        "orange" => "Severe",
        "yellow" => "Moderate",
        "blue" => "Minor",
        _ => "Unknown",
    };

    private static string Category(string hazard) => hazard switch
    {
        "heavy_air_pollution" => "Env",
        "public_health" => "Health",
        "hazardous_chemicals" => "CBRNE",
        "production_safety" => "Safety",
        "geological_hazard" => "Geo",
        _ when hazard.EndsWith("_suspension", StringComparison.Ordinal) => "Transport",
        "typhoon" or "rainstorm" or "snowstorm" or "cold_wave" or "gale" or "heat" or "lightning" or "hail" or "frost" or "fog" or "haze"
            or "road_icing" or "thunderstorm_gale" or "flood" or "storm_surge" => "Met",
        _ => "Other",
    };
}
