using Warnings.Contracts.V1;
using Warnings.PublicationList.Domain;

namespace Warnings.PublicationList.Tests;

/// <summary>Names in both languages: required on what is new, tolerated where an older list lacked them, and the fallback when missing.</summary>
public class ListNamesTests
{
    // The default list as a list written before English names existed: no name_en, no level or
    // measure names, no city.
    private static Contracts.V1.PublicationList OlderList()
    {
        var list = DefaultList.Load();
        foreach (var d in list.Districts)
        {
            d.NameEn = "";
        }

        foreach (var d in list.Departments)
        {
            d.NameEn = "";
        }

        foreach (var h in list.Hazards)
        {
            h.NameEn = "";
        }

        list.LevelNames.Clear();
        list.ResponseMeasureNames.Clear();
        list.City = null;
        list.Templates.Clear();
        return list;
    }

    private static Dictionary<string, string> Problems(Contracts.V1.PublicationList list, Contracts.V1.PublicationList? carriedFrom = null) =>
        ListValidator.Validate(list, carriedFrom).GroupBy(p => p.Field).ToDictionary(g => g.Key, g => string.Join(" | ", g.Select(p => p.Description)));

    [Fact]
    public void Every_code_the_default_list_prints_has_both_names()
    {
        var list = DefaultList.Load();

        Assert.Empty(ListNames.From(list).MissingEnglish);
        Assert.All(ListValidator.NamedEntries(list), e => Assert.True(e.Listed && e.Name.Length > 0 && e.NameEn.Length > 0, $"{e.Kind} {e.Code}"));
    }

    [Fact]
    public void A_standalone_list_needs_every_name_in_both_languages()
    {
        var list = DefaultList.Load();
        list.Districts[0].NameEn = "";
        list.Departments[1].Name = " ";
        list.Hazards[2].NameEn = "暴雪";
        list.LevelNames.RemoveAt(0);
        list.ResponseMeasureNames[0].NameEn = new string('x', 101);
        list.City = null;

        var problems = Problems(list);

        Assert.Contains("English name", problems["list.districts[0].name_en"]);
        Assert.Contains("zh-CN name", problems["list.departments[1].name"]);
        Assert.Contains("no Chinese characters", problems["list.hazards[2].name_en"]);
        Assert.Contains("level 'blue'", problems["list.level_names"]);
        Assert.Contains("at most 100", problems["list.response_measure_names[0].name_en"]);
        Assert.Contains("city '310000'", problems["list.city"]);
    }

    [Fact]
    public void An_older_list_without_english_names_stays_editable()
    {
        var before = OlderList();
        var after = before.Clone();
        after.Grants.Single(g => g.Id == "smb-fog").MaxValidityHours = 12;

        Assert.Empty(ListValidator.Validate(after, carriedFrom: before));
        Assert.Empty(ListValidator.Validate(before, carriedFrom: before));
    }

    [Fact]
    public void What_an_edit_adds_to_an_older_list_needs_both_names()
    {
        var before = OlderList();
        var after = before.Clone();
        after.Districts.Add(new Area { Code = "310199", Name = "新区" });
        after.Grants.Single(g => g.Id == "smb-fog").Levels[0].ResponseMeasures.Add("close_bridges");
        after.Hazards[0].Name = "";

        var problems = Problems(after, carriedFrom: before);

        Assert.Contains("English name", problems[$"list.districts[{after.Districts.Count - 1}].name_en"]);
        Assert.Contains("response measure 'close_bridges'", problems["list.response_measure_names"]);
        Assert.Contains("zh-CN name", problems["list.hazards[0].name"]);
        Assert.DoesNotContain("list.districts[0].name_en", problems.Keys);
    }

    [Fact]
    public void Names_come_in_the_language_asked_for()
    {
        var names = ListNames.From(DefaultList.Load());

        Assert.Equal("台风", names.Hazard("typhoon", "zh-CN"));
        Assert.Equal("Typhoon", names.Hazard("typhoon", "en"));
        Assert.Equal("Shanghai Meteorological Service", names.Department("SMB", "en"));
        Assert.Equal("黄浦区、浦东新区", names.Districts(["310101", "310115"], "zh-CN"));
        Assert.Equal("Huangpu District, Pudong New Area", names.Districts(["310101", "310115"], "en"));
        Assert.Equal("Shanghai", names.District("310000", "en"));
        Assert.Equal("红色", names.Level("red", "zh-CN"));
        Assert.Equal("suspension of flights", names.Measure("suspend_flights", "en"));
    }

    [Fact]
    public void Where_an_older_list_lacks_an_english_name_the_code_stands_in_never_the_chinese_name()
    {
        var names = ListNames.From(OlderList());

        Assert.Equal("cold wave", names.Hazard("cold_wave", "en"));
        Assert.Equal("SMB", names.Department("SMB", "en"));
        Assert.Equal("310101, the whole city", names.Districts(["310101", "310000"], "en"));
        Assert.Equal("red", names.Level("red", "en"));
        Assert.Equal("寒潮", names.Hazard("cold_wave", "zh-CN"));
        Assert.Contains("district 310101", names.MissingEnglish);
        Assert.Contains("level red", names.MissingEnglish);
        Assert.Contains("response measure suspend_work", names.MissingEnglish);
    }

    [Theory]
    [InlineData("台风", true)]
    [InlineData("Typhoon，", true)] // a full-width comma
    [InlineData("停课、", true)]
    [InlineData("Force 6 or above, 35 °C", false)]
    [InlineData("Jing'an District", false)]
    public void Chinese_characters_and_punctuation_are_recognised(string text, bool chinese)
    {
        Assert.Equal(chinese, ListNames.HasChinese(text));
    }
}
