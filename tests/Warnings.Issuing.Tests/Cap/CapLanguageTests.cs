using System.Text.RegularExpressions;
using System.Xml.Linq;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;
using Warnings.Issuing.Cap;
using Warnings.Issuing.Domain;
using Warnings.Issuing.Tests.Templates;
using Warnings.PublicationList.Domain;

namespace Warnings.Issuing.Tests.Cap;

/// <summary>Each CAP info block in its own language: the English one carries no Chinese, even from an older list without English names.</summary>
public partial class CapLanguageTests
{
    private static readonly XNamespace Ns = CapWriter.Cap;

    // Independent of the code under test: CJK ideographs, CJK punctuation and full-width forms.
    [GeneratedRegex(@"[\p{IsCJKUnifiedIdeographs}\p{IsCJKSymbolsandPunctuation}\p{IsHalfwidthandFullwidthForms}\p{IsCJKUnifiedIdeographsExtensionA}]")]
    private static partial Regex Cjk();

    // A warning drafted from a template, as published: its content, the grant's measures, list v3.
    private static PublishedWarningVersion FromTemplate(string templateId, string department = "SMB")
    {
        var list = TemplateDraftsTests.DefaultList();
        var problems = new FieldViolations();
        var (content, _) = TemplateDrafts.Apply(TemplateDraftsTests.FromTemplate(templateId), department, list, TemplateDraftsTests.Now, problems);
        Assert.False(problems.Any);
        var measures = list.Check(new PublicationCandidate { Department = department, Hazard = content!.Hazard, Level = content.Level, Areas = [.. content.Districts] }, TemplateDraftsTests.Now).ResponseMeasures;
        var now = TemplateDraftsTests.Now;
        return new PublishedWarningVersion("w-0123456789abcdef", 1, "Alert", [], department, content.Hazard, content.Level, [.. content.Districts],
            content.OnsetAt.ToInstant(), content.ExpiresAt.ToInstant(), [.. content.Channels],
            [.. content.Texts.Select(t => new WarningTextContent(t.Language, t.Headline, t.Description, t.Instruction))], content.Contact, measures, list.Version, false, now, "officer");
    }

    private static Dictionary<string, List<string>> Parameters(XElement info) =>
        info.Elements(Ns + "parameter").GroupBy(p => p.Element(Ns + "valueName")!.Value).ToDictionary(g => g.Key, g => g.Select(p => p.Element(Ns + "value")!.Value).ToList());

    [Fact]
    public void A_warning_drafted_from_a_template_is_valid_cap_in_both_languages_and_its_english_info_has_no_chinese()
    {
        var version = FromTemplate("smb-typhoon-red");

        var document = CapWriter.Write(version, ListNames.From(TemplateDraftsTests.DefaultList().Document));

        Assert.Empty(CapSchema.Validate(document));
        var infos = document.Root!.Elements(Ns + "info").ToList();
        Assert.Equal(["zh-CN", "en"], infos.Select(i => i.Element(Ns + "language")!.Value));
        var (zh, en) = (infos[0], infos[1]);
        Assert.DoesNotMatch(Cjk(), en.ToString());
        Assert.Equal("Typhoon", en.Element(Ns + "event")!.Value);
        Assert.Equal("Shanghai Meteorological Service", en.Element(Ns + "senderName")!.Value);
        Assert.Equal("Red Typhoon Warning", en.Element(Ns + "headline")!.Value);
        Assert.Equal("Huangpu District, Pudong New Area", en.Descendants(Ns + "areaDesc").Single().Value);
        Assert.Null(en.Element(Ns + "contact")); // written in Chinese, so only in the Chinese block
        Assert.Equal(["Red"], Parameters(en)["levelName"]);
        Assert.Equal(["red"], Parameters(en)["level"]);
        Assert.Contains("suspension of flights", Parameters(en)["responseMeasureName"]);
        Assert.Equal(Parameters(zh)["responseMeasure"], Parameters(en)["responseMeasure"]);
        Assert.Equal("台风", zh.Element(Ns + "event")!.Value);
        Assert.Equal("上海市气象局值班室 021-12121", zh.Element(Ns + "contact")!.Value);
        Assert.Equal(["红色"], Parameters(zh)["levelName"]);
        Assert.Contains("停飞", Parameters(zh)["responseMeasureName"]);
    }

    [Fact]
    public void Every_default_template_makes_valid_cap_with_an_english_info_free_of_chinese()
    {
        var list = TemplateDraftsTests.DefaultList().Document;
        var names = ListNames.From(list);
        foreach (var template in list.Templates)
        {
            var document = CapWriter.Write(FromTemplate(template.Id, template.Department), names);

            Assert.Empty(CapSchema.Validate(document));
            Assert.DoesNotMatch(Cjk(), document.Root!.Elements(Ns + "info").Single(i => i.Element(Ns + "language")!.Value == "en").ToString());
        }
    }

    [Fact]
    public void With_an_older_list_that_has_no_english_names_the_english_info_prints_codes_not_chinese()
    {
        var version = FromTemplate("smb-typhoon-red") with { Districts = ["310101", "310000"] };
        var older = TemplateDraftsTests.DefaultList().Document.Clone();
        foreach (var d in older.Districts)
        {
            d.NameEn = "";
        }

        foreach (var d in older.Departments)
        {
            d.NameEn = "";
        }

        older.Hazards.Single(h => h.Code == "typhoon").NameEn = "";
        older.LevelNames.Clear();
        older.ResponseMeasureNames.Clear();
        older.City = null;

        var document = CapWriter.Write(version, ListNames.From(older));

        Assert.Empty(CapSchema.Validate(document));
        var en = document.Root!.Elements(Ns + "info").Single(i => i.Element(Ns + "language")!.Value == "en");
        Assert.DoesNotMatch(Cjk(), en.ToString());
        Assert.Equal("typhoon", en.Element(Ns + "event")!.Value);
        Assert.Equal("SMB", en.Element(Ns + "senderName")!.Value);
        Assert.Equal("310101, the whole city", en.Descendants(Ns + "areaDesc").Single().Value);
    }
}
