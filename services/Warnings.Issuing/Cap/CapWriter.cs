using System.Globalization;
using System.Xml.Linq;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Core.Identity;
using Warnings.PublicationList.Domain;

namespace Warnings.Issuing.Cap;

/// <summary>
/// Writes a published warning version as an OASIS CAP 1.2 alert. The mapping (also in the README):
/// <list type="bullet">
/// <item>level -> severity: red Extreme, orange Severe, yellow Moderate, blue Minor, none Unknown;</item>
/// <item>version kind -> msgType Alert / Update / Cancel, with <c>references</c> naming every earlier version;</item>
/// <item>identifier: <c>310000-{department}-{sent, yyyyMMddHHmmss Asia/Shanghai}-{warning}-{version}</c>,
/// area code, sent time and sequence in the spirit of GB/T 35965.1;</item>
/// <item>one <c>info</c> per language (zh-CN always, en when written), each in its own language
/// throughout: <c>event</c> (the hazard's name), <c>senderName</c>, <c>areaDesc</c> and the named
/// parameters from the list's names in that language (<see cref="ListNames"/>; a missing English name
/// prints the code, never the Chinese one), the contact only where it is written in that language's
/// script; the hazard code as <c>eventCode</c>, districts as <c>geocode</c> (GB/T 2260) under one <c>area</c>;</item>
/// <item>parameters: the codes <c>level</c>, <c>responseMeasure</c> (one each) and
/// <c>publicationListVersion</c>, which a machine reads the same in every block, and the names
/// <c>levelName</c> and <c>responseMeasureName</c> in the block's language;</item>
/// <item>times in Asia/Shanghai with their offset, to the second, as the CAP schema requires.</item>
/// </list>
/// </summary>
public static class CapWriter
{
    public static readonly XNamespace Cap = "urn:oasis:names:tc:emergency:cap:1.2";
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>The alert as UTF-8 XML text with its declaration, with the names of the list version the decision used.</summary>
    public static string ToXml(PublishedWarningVersion version, ListNames names)
    {
        var document = Write(version, names);
        return $"{document.Declaration}{Environment.NewLine}{document.Root}";
    }

    public static XDocument Write(PublishedWarningVersion version, ListNames names)
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
            alert.Add(Info(version, text, names));
        }

        return new XDocument(new XDeclaration("1.0", "UTF-8", null), alert);
    }

    /// <summary>The CAP identifier of one version of a warning.</summary>
    public static string Identifier(PublishedWarningVersion warning, int version, Instant sent) =>
        string.Create(CultureInfo.InvariantCulture, $"{Scopes.CityWide}-{warning.Department}-{sent.InZone(Shanghai):yyyyMMddHHmmss}-{warning.WarningId}-{version}");

    private static string Sender(PublishedWarningVersion version) => $"{version.Department.ToLowerInvariant()}@warnings.shanghai";

    private static XElement Info(PublishedWarningVersion version, WarningTextContent text, ListNames names)
    {
        string language = text.Language;
        var info = new XElement(Cap + "info",
            new XElement(Cap + "language", language),
            new XElement(Cap + "category", Category(version.Hazard)),
            new XElement(Cap + "event", names.Hazard(version.Hazard, language)),
            new XElement(Cap + "responseType", version.Kind == "Cancel" ? "AllClear" : "Prepare"),
            new XElement(Cap + "urgency", version.Kind == "Cancel" ? "Past" : version.OnsetAt <= version.PublishedAt ? "Immediate" : "Expected"),
            new XElement(Cap + "severity", Severity(version.Level)),
            new XElement(Cap + "certainty", version.Kind == "Cancel" ? "Observed" : "Likely"),
            Value("eventCode", "hazard", version.Hazard),
            new XElement(Cap + "effective", Time(version.PublishedAt)),
            new XElement(Cap + "onset", Time(version.OnsetAt)),
            new XElement(Cap + "expires", Time(version.ExpiresAt)),
            new XElement(Cap + "senderName", names.Department(version.Department, language)),
            new XElement(Cap + "headline", text.Headline));
        Optional(info, "description", text.Description);
        Optional(info, "instruction", text.Instruction);
        // The contact is written once, for the Chinese block; another block carries it only when it
        // holds no Chinese (a phone number does not).
        Optional(info, "contact", ListNames.IsChinese(language) || !ListNames.HasChinese(version.Contact) ? version.Contact : "");
        info.Add(Value("parameter", "level", version.Level.Length > 0 ? version.Level : "none"));
        if (version.Level.Length > 0)
        {
            info.Add(Value("parameter", "levelName", names.Level(version.Level, language)));
        }

        info.Add(Value("parameter", "publicationListVersion", version.ListVersion.ToString(CultureInfo.InvariantCulture)));
        foreach (var measure in version.ResponseMeasures)
        {
            info.Add(Value("parameter", "responseMeasure", measure));
            info.Add(Value("parameter", "responseMeasureName", names.Measure(measure, language)));
        }

        var area = new XElement(Cap + "area", new XElement(Cap + "areaDesc", names.Districts(version.Districts, language)));
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
