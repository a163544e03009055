using System.Xml.Linq;
using Google.Protobuf;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Issuing.Cap;
using Warnings.PublicationList.Domain;

namespace Warnings.Issuing.Tests.Cap;

public class CapTests
{
    private static readonly XNamespace Ns = CapWriter.Cap;
    private static readonly Instant Sent = Instant.FromUtc(2026, 7, 15, 8, 30, 5).PlusNanoseconds(123_000_000);
    internal static readonly Contracts.V1.PublicationList List =
        JsonParser.Default.Parse<Contracts.V1.PublicationList>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "publication-list", "shanghai.json")));
    private static readonly ListNames Names = ListNames.From(List);

    private static PublishedWarningVersion Version(string level = "red", string kind = "Alert", int version = 1, string hazard = "typhoon") => new(
        "w-0123456789abcdef", version, kind,
        Enumerable.Range(1, version - 1).Select(v => new WarningVersionReference(v, Sent - Duration.FromHours(version - v))).ToList(),
        "SMB", hazard, level, ["310101", "310115"], Sent, Sent + Duration.FromHours(12), ["sms", "tv"],
        [new WarningTextContent("zh-CN", "台风红色预警", "预计12小时内受台风严重影响。", "停课停工。"), new WarningTextContent("en", "Red typhoon warning", "Severe impact expected.", "Stay indoors.")],
        "021-12121", level == "red" ? ["suspend_work", "close_parks_and_schools"] : [], 7, false, Sent, "officer");

    [Fact]
    public void A_red_typhoon_is_valid_cap_with_the_documented_mapping()
    {
        var document = CapWriter.Write(Version(), Names);

        Assert.Empty(CapSchema.Validate(document));
        var alert = document.Root!;
        Assert.Equal("310000-SMB-20260715163005-w-0123456789abcdef-1", alert.Element(Ns + "identifier")!.Value);
        Assert.Equal("2026-07-15T16:30:05+08:00", alert.Element(Ns + "sent")!.Value);
        Assert.Equal("Alert", alert.Element(Ns + "msgType")!.Value);
        var infos = alert.Elements(Ns + "info").ToList();
        Assert.Equal(["zh-CN", "en"], infos.Select(i => i.Element(Ns + "language")!.Value));
        Assert.All(infos, i => Assert.Equal("Extreme", i.Element(Ns + "severity")!.Value));
        Assert.Equal("台风", infos[0].Element(Ns + "event")!.Value);
        Assert.Equal("上海市气象局", infos[0].Element(Ns + "senderName")!.Value);
        Assert.Equal(["310101", "310115"], infos[0].Descendants(Ns + "geocode").Select(g => g.Element(Ns + "value")!.Value));
        Assert.Equal("黄浦区、浦东新区", infos[0].Descendants(Ns + "areaDesc").Single().Value);
        Assert.Equal(["suspend_work", "close_parks_and_schools"],
            infos[0].Elements(Ns + "parameter").Where(p => p.Element(Ns + "valueName")!.Value == "responseMeasure").Select(p => p.Element(Ns + "value")!.Value));
    }

    [Theory]
    [InlineData("red", "Extreme")]
    [InlineData("orange", "Severe")]
    [InlineData("yellow", "Moderate")]
    [InlineData("blue", "Minor")]
    [InlineData("", "Unknown")]
    public void Levels_map_to_cap_severity(string level, string severity)
    {
        Assert.Equal(severity, CapWriter.Severity(level));
    }

    [Fact]
    public void An_update_references_every_earlier_version_and_a_lift_is_a_cancel()
    {
        var update = CapWriter.Write(Version("orange", "Update", 3), Names).Root!;
        var cancel = CapWriter.Write(Version("orange", "Cancel", 4), Names).Root!;

        var references = update.Element(Ns + "references")!.Value.Split(' ');
        Assert.Equal(2, references.Length);
        Assert.Equal("smb@warnings.shanghai,310000-SMB-20260715143005-w-0123456789abcdef-1,2026-07-15T14:30:05+08:00", references[0]);
        Assert.Equal("Update", update.Element(Ns + "msgType")!.Value);
        Assert.Equal("Cancel", cancel.Element(Ns + "msgType")!.Value);
        Assert.Equal("AllClear", cancel.Descendants(Ns + "responseType").First().Value);
        Assert.Empty(CapSchema.Validate(update.Document!));
        Assert.Empty(CapSchema.Validate(cancel.Document!));
    }

    [Fact]
    public void Thousands_of_random_warnings_all_validate_against_the_cap_schema()
    {
        var random = new Random(35965);
        var hazards = List.Hazards.ToList();
        string[] districts = [.. List.Districts.Select(d => d.Code), "310000"];
        string[] kinds = ["Alert", "Update", "Cancel"];
        for (int i = 0; i < 3000; i++)
        {
            var hazard = hazards[random.Next(hazards.Count)];
            string level = hazard.Levels.Count == 0 ? "" : hazard.Levels[random.Next(hazard.Levels.Count)];
            int version = random.Next(1, 5);
            var sent = Instant.FromUtc(2020, 1, 1, 0, 0) + Duration.FromSeconds(random.NextInt64(0, 400_000_000)) + Duration.FromNanoseconds(random.Next(1_000_000_000));
            var texts = new List<WarningTextContent> { new("zh-CN", Text(random, 1, 100), Text(random, 0, 2000), Text(random, 0, 500)) };
            if (random.Next(2) == 0)
            {
                texts.Add(new WarningTextContent("en", Text(random, 1, 100), Text(random, 0, 300), Text(random, 0, 300)));
            }

            var warning = new PublishedWarningVersion(
                $"w-{random.NextInt64():x16}", version, version == 1 ? "Alert" : kinds[random.Next(1, 3)],
                Enumerable.Range(1, version - 1).Select(v => new WarningVersionReference(v, sent - Duration.FromMinutes(random.Next(1, 10_000)))).ToList(),
                List.Departments[random.Next(List.Departments.Count)].Code, hazard.Code, level,
                districts.OrderBy(_ => random.Next()).Take(random.Next(1, 5)).ToList(),
                sent + Duration.FromMinutes(random.Next(-60, 600)), sent + Duration.FromHours(random.Next(1, 200)),
                ["website"], texts, random.Next(3) == 0 ? "" : Text(random, 1, 50),
                random.Next(4) == 0 ? ["suspend_work", "suspend_flights"] : [], random.Next(1, 100), random.Next(2) == 0, sent, "officer",
                random.Next(3) == 0 ? [RandomPolygon(random)] : null,
                random.Next(3) == 0 ? [new GeoCircle(new GeoCoordinate(30.7 + random.NextDouble(), 120.9 + random.NextDouble()), 0.1 + (random.NextDouble() * 50))] : null);

            var errors = CapSchema.Validate(CapWriter.Write(warning, random.Next(3) == 0 ? ListNames.Empty : Names));

            Assert.True(errors.Count == 0, $"case {i} ({warning.Hazard} {warning.Level} v{warning.Version}): {string.Join("; ", errors)}");
        }
    }

    [Fact]
    public void The_oasis_examples_are_refused_with_a_reason_for_each_gap()
    {
        foreach (var example in new[] { "oasis-example1.xml", "oasis-example2.xml" })
        {
            var result = CapReader.ToDraft(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cap", example)), List);

            Assert.Null(result.Content);
            Assert.Contains(result.Problems, p => p.Field == "alert.info.language" && p.Reason.Contains("zh-CN"));
            Assert.Contains(result.Problems, p => p.Field == "alert.info.event" && p.Reason.Contains("not a hazard"));
            Assert.Contains(result.Problems, p => p.Field == "alert.info.area.geocode" && p.Reason.Contains("GB/T 2260"));
        }

        // Example 1 (HSAS) has no expiry; example 2 (NWS) gives SAME codes where districts belong.
        var hsas = CapReader.ToDraft(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cap", "oasis-example1.xml")), List);
        Assert.Contains(hsas.Problems, p => p.Field == "alert.info.expires");
        var nws = CapReader.ToDraft(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cap", "oasis-example2.xml")), List);
        Assert.Contains(nws.Problems, p => p.Field == "alert.info.area.geocode" && p.Reason.Contains("SAME"));
    }

    [Fact]
    public void Every_reason_is_reported_at_once_status_message_type_language_hazard_area_and_expiry()
    {
        const string cap = """
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
              <identifier>x-1</identifier><sender>someone@example.org</sender><sent>2026-07-01T10:00:00+08:00</sent>
              <status>Exercise</status><msgType>Update</msgType><scope>Public</scope>
              <info><language>en-US</language><category>Met</category><event>Volcano</event><urgency>Immediate</urgency>
                <severity>Severe</severity><certainty>Observed</certainty>
                <area><areaDesc>nowhere</areaDesc><geocode><valueName>GB/T 2260</valueName><value>999999</value></geocode></area>
              </info>
            </alert>
            """;

        var result = CapReader.ToDraft(cap, List);

        Assert.Null(result.Content);
        Assert.Equal(
            ["alert.info.area.geocode", "alert.info.event", "alert.info.expires", "alert.info.language", "alert.msgType", "alert.status"],
            result.Problems.Select(p => p.Field).Distinct().Order());
    }

    [Fact]
    public void The_oasis_examples_are_themselves_valid_cap()
    {
        foreach (var example in new[] { "oasis-example1.xml", "oasis-example2.xml" })
        {
            Assert.Empty(CapSchema.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cap", example))).Errors);
        }
    }

    [Fact]
    public void Our_own_cap_reads_back_as_the_same_draft()
    {
        var version = Version("orange", hazard: "rainstorm");

        var result = CapReader.ToDraft(CapWriter.ToXml(version, Names), List);

        Assert.Empty(result.Problems);
        var content = result.Content!;
        Assert.Equal("rainstorm", content.Hazard);
        Assert.Equal("orange", content.Level);
        Assert.Equal(["310101", "310115"], content.Districts);
        Assert.Equal(Sent - Duration.FromNanoseconds(123_000_000), content.OnsetAt.ToInstant()); // CAP keeps whole seconds
        Assert.Equal(version.ExpiresAt - Duration.FromNanoseconds(123_000_000), content.ExpiresAt.ToInstant());
        Assert.Equal(["zh-CN", "en"], content.Texts.Select(t => t.Language));
        Assert.Equal("台风红色预警", content.Texts[0].Headline);
    }

    [Fact]
    public void Polygons_and_circles_are_written_as_cap_areas_and_read_back()
    {
        var version = Version() with
        {
            Polygons = [new GeoPolygon([new(31.2, 121.4), new(31.2, 121.5), new(31.3, 121.5), new(31.2, 121.4)])],
            Circles = [new GeoCircle(new GeoCoordinate(31.23, 121.47), 5.5)],
        };

        var document = CapWriter.Write(version, Names);
        var read = CapReader.ToDraft(CapWriter.ToXml(version, Names), List);

        Assert.Empty(CapSchema.Validate(document));
        Assert.Equal("31.2,121.4 31.2,121.5 31.3,121.5 31.2,121.4", document.Descendants(Ns + "polygon").First().Value);
        Assert.Equal("31.23,121.47 5.5", document.Descendants(Ns + "circle").First().Value);
        Assert.Equal(4, read.Content!.Polygons.Single().Points.Count);
        Assert.Equal(5.5, read.Content.Circles.Single().RadiusKm);
    }

    [Fact]
    public void Not_cap_at_all_is_refused_plainly()
    {
        Assert.Equal("cap_xml", Assert.Single(CapReader.ToDraft("<html/>", List).Problems).Field);
        Assert.Contains("well-formed", Assert.Single(CapReader.ToDraft("not xml", List).Problems).Reason);
    }

    [Fact]
    public void A_document_with_a_DTD_is_refused_before_any_entity_is_expanded()
    {
        // "Billion laughs": ten levels of ten references, 10^9 copies of "lol" if expanded.
        var dtd = new System.Text.StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++)
        {
            dtd.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">");
        }

        dtd.Append("]><alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>&lol9;</identifier></alert>");
        var started = System.Diagnostics.Stopwatch.StartNew();

        var read = CapReader.ToDraft(dtd.ToString(), List);

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1), $"took {started.Elapsed}");
        Assert.Null(read.Content);
        Assert.Equal(CapReader.DtdNotAllowed, read.ErrorReason);
        var problem = Assert.Single(read.Problems);
        Assert.Equal("cap_xml", problem.Field);
        Assert.Contains("DTD", problem.Reason);
    }

    [Fact]
    public void Deeply_nested_elements_are_refused_without_building_the_tree()
    {
        string deep = string.Concat(Enumerable.Repeat("<x>", 100_000)) + string.Concat(Enumerable.Repeat("</x>", 100_000));

        var read = CapReader.ToDraft($"<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>{deep}</identifier></alert>", List);

        Assert.Null(read.Content);
        Assert.Contains(read.Problems, p => p.Field == "cap_xml" && p.Reason.Contains("nested deeper", StringComparison.Ordinal));
    }

    [Fact]
    public void An_external_entity_is_never_resolved()
    {
        const string xxe = "<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>"
            + "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>&x;</identifier></alert>";

        var read = CapReader.ToDraft(xxe, List);

        Assert.Equal(CapReader.DtdNotAllowed, read.ErrorReason);
        Assert.DoesNotContain(read.Problems, p => p.Reason.Contains(File.ReadAllText("/etc/hostname").Trim(), StringComparison.Ordinal));
    }

    // A closed quadrilateral around a random point in Shanghai.
    private static GeoPolygon RandomPolygon(Random random)
    {
        double lat = 30.7 + random.NextDouble(), lon = 120.9 + random.NextDouble(), d = 0.01 + (random.NextDouble() * 0.1);
        return new GeoPolygon([new(lat, lon), new(lat, lon + d), new(lat + d, lon + d), new(lat + d, lon), new(lat, lon)]);
    }

    // Text with the characters XML and CAP must survive: markup, quotes, ampersands, CJK, newlines.
    private static string Text(Random random, int min, int max)
    {
        const string alphabet = "abcXYZ 012 <>&\"' 暴雨台风预警 \n\t,.;:!?/";
        int length = random.Next(min, Math.Max(min, Math.Min(max, 120)) + 1);
        var text = new string(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
        return min > 0 && text.Trim().Length == 0 ? "x" + text : text;
    }
}
