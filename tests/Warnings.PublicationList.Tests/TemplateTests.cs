using NodaTime;
using Warnings.Contracts.V1;
using Warnings.PublicationList.Domain;

namespace Warnings.PublicationList.Tests;

/// <summary>Templates: their syntax and validation, filling in each language, and the default list's set.</summary>
public class TemplateTests
{
    // 2026-07-15 20:00 and 2026-07-16 08:30 in Shanghai.
    private static readonly Instant Onset = Instant.FromUtc(2026, 7, 15, 12, 0);
    private static readonly Instant Expiry = Instant.FromUtc(2026, 7, 16, 0, 30);

    private static readonly Contracts.V1.PublicationList List = DefaultList.Load();

    private static Dictionary<string, string> Problems(Contracts.V1.PublicationList list) =>
        ListValidator.Validate(list).GroupBy(p => p.Field).ToDictionary(g => g.Key, g => string.Join(" | ", g.Select(p => p.Description)));

    private static TemplateFacts Facts(string level = "red", IReadOnlyList<string>? measures = null, Dictionary<(string, string), string>? values = null) =>
        new("SMB", "typhoon", level, ["310101", "310115"], Onset, Expiry, measures ?? [], values ?? []);

    [Theory]
    [InlineData("{districts}将受影响", new[] { "districts" })]
    [InlineData("{{literal}} {level}", new[] { "level" })]
    [InlineData("no placeholders", new string[0])]
    public void Placeholders_are_read(string text, string[] used)
    {
        var (found, problem) = TemplatePlaceholders.Read(text);

        Assert.Null(problem);
        Assert.Equal(used.Order(), found.Order());
    }

    [Theory]
    [InlineData("{district}", "unknown placeholder {district}")]
    [InlineData("{level", "is not closed")]
    [InlineData("level}", "closes nothing")]
    [InlineData("{{level}", "closes nothing")]
    [InlineData("{le{vel}", "is not closed")]
    public void A_bad_placeholder_is_named(string text, string problem)
    {
        Assert.Contains(problem, TemplatePlaceholders.Read(text).Problem);
    }

    [Fact]
    public void Braces_written_twice_are_literal_braces()
    {
        Assert.Equal("{x} Red", TemplatePlaceholders.Fill("{{x}} {level}", _ => "Red"));
    }

    [Fact]
    public void Times_are_written_in_shanghai_time_the_way_each_language_writes_them()
    {
        Assert.Equal("7月15日20时", TemplateFilling.Time(Onset, "zh-CN"));
        Assert.Equal("7月16日08时30分", TemplateFilling.Time(Expiry, "zh-CN"));
        Assert.Equal("20:00 on 15 July", TemplateFilling.Time(Onset, "en"));
        Assert.Equal("08:30 on 16 July", TemplateFilling.Time(Expiry, "en"));
    }

    [Fact]
    public void The_red_typhoon_template_fills_in_each_language_with_the_linked_measures()
    {
        var template = List.Templates.Single(t => t.Id == "smb-typhoon-red");

        var filled = TemplateFilling.Fill(template, ListNames.From(List), Facts(measures: ["suspend_work", "suspend_flights"]));

        Assert.Empty(filled.Missing);
        var zh = filled.Texts.Single(t => t.Language == "zh-CN");
        var en = filled.Texts.Single(t => t.Language == "en");
        Assert.Equal("台风红色预警", zh.Headline);
        Assert.Contains("影响区域：黄浦区、浦东新区。预警自7月15日20时起生效，有效期至7月16日08时30分。", zh.Description);
        Assert.StartsWith("上海市气象局发布台风红色预警", zh.Description);
        Assert.EndsWith("联动措施：停工、停飞。", zh.Instruction);
        Assert.Equal("Red Typhoon Warning", en.Headline);
        Assert.Contains("Areas affected: Huangpu District, Pudong New Area. In force from 20:00 on 15 July until 08:30 on 16 July.", en.Description);
        Assert.EndsWith("Linked response measures: suspension of work, suspension of flights.", en.Instruction);
        Assert.False(ListNames.HasChinese(en.Headline + en.Description + en.Instruction));
    }

    [Fact]
    public void Given_values_fill_measures_per_language_and_a_missing_one_is_named()
    {
        var template = List.Templates.Single(t => t.Id == "smb-typhoon-red");

        var given = TemplateFilling.Fill(template, ListNames.From(List), Facts(values: new() { [("measures", "zh-CN")] = "全市停课", [("measures", "")] = "schools closed" }));
        var missing = TemplateFilling.Fill(template, ListNames.From(List), Facts());

        Assert.Empty(given.Missing);
        Assert.EndsWith("联动措施：全市停课。", given.Texts.Single(t => t.Language == "zh-CN").Instruction);
        Assert.EndsWith("Linked response measures: schools closed.", given.Texts.Single(t => t.Language == "en").Instruction);
        Assert.Equal(2, missing.Missing.Count);
        Assert.Contains("{measures}", missing.Missing[0]);
    }

    [Fact]
    public void Every_level_a_grant_allows_has_a_template_of_its_department_whose_english_stays_english()
    {
        var names = ListNames.From(List);
        foreach (var grant in List.Grants)
        {
            foreach (var rule in grant.Levels)
            {
                var template = List.Templates.SingleOrDefault(t => t.Department == grant.Department && t.Hazard == grant.Hazard && t.Level == rule.Level && t.Status == TemplateStatus.Active);
                Assert.True(template is not null, $"no template for {grant.Department} {grant.Hazard} '{rule.Level}'");

                var all = List.Districts.Select(d => d.Code).ToList();
                var facts = new TemplateFacts(grant.Department, grant.Hazard, rule.Level, all, Onset, Expiry, rule.ResponseMeasures, new Dictionary<(string, string), string>());
                var filled = TemplateFilling.Fill(template, names, facts);

                Assert.Empty(filled.Missing);
                var en = filled.Texts.Single(t => t.Language == "en");
                Assert.False(ListNames.HasChinese(en.Headline + en.Description + en.Instruction), template.Id);
                Assert.All(filled.Texts, t => Assert.True(t.Headline.Length <= 100 && t.Description.Length <= 2000 && t.Instruction.Length <= 2000, template.Id));
            }
        }
    }

    [Fact]
    public void An_invalid_template_gets_a_field_violation_for_each_problem()
    {
        var list = List.Clone();
        var template = list.Templates.Single(t => t.Id == "smb-typhoon-blue");
        template.Department = "NOPE";
        template.Level = "purple";
        template.Texts[0].Headline = "{district}预警";
        template.Texts[1].Description = "台风 is coming";
        template.Texts[1].Instruction = new string('x', 2001);
        var notice = list.Templates.Single(t => t.Id == "stc-metro-suspension");
        notice.Texts[0].Headline = "{level}通知";
        notice.Texts.RemoveAt(1);
        list.Templates.Add(new WarningTemplate { Id = "smb-typhoon-blue", Department = "SMB", Hazard = "meteor", Status = TemplateStatus.Unspecified });
        int at = list.Templates.IndexOf(template), noticeAt = list.Templates.IndexOf(notice), last = list.Templates.Count - 1;

        var problems = Problems(list);

        Assert.Contains("unknown department", problems[$"list.templates[{at}].department"]);
        Assert.Contains("not 'purple'", problems[$"list.templates[{at}].level"]);
        Assert.Contains("unknown placeholder {district}", problems[$"list.templates[{at}].texts[0].headline"]);
        Assert.Contains("no Chinese characters", problems[$"list.templates[{at}].texts[1].description"]);
        Assert.Contains("at most 2000", problems[$"list.templates[{at}].texts[1].instruction"]);
        Assert.Contains("no {level}", problems[$"list.templates[{noticeAt}].texts[0].headline"]);
        Assert.Contains("zh-CN and en", problems[$"list.templates[{noticeAt}].texts"]);
        Assert.Contains("already has id", problems[$"list.templates[{last}].id"]);
        Assert.Contains("unknown hazard", problems[$"list.templates[{last}].hazard"]);
        Assert.Contains("active or retired", problems[$"list.templates[{last}].status"]);
    }

    [Fact]
    public void A_retired_template_may_name_codes_that_left_the_list()
    {
        var list = List.Clone();
        var template = list.Templates.Single(t => t.Id == "smb-typhoon-blue");
        template.Status = TemplateStatus.Retired;
        template.Department = "GONE";

        Assert.Empty(ListValidator.Validate(list));
    }

    [Fact]
    public void The_diff_names_template_edits()
    {
        var after = List.Clone();
        after.Templates.Single(t => t.Id == "smb-fog-red").Status = TemplateStatus.Retired;
        var added = after.Templates[0].Clone();
        added.Id = "smb-typhoon-blue-update";
        after.Templates.Add(added);

        var changes = ListDiff.Describe(List, after);

        Assert.Equal(["template smb-typhoon-blue-update added", "template smb-fog-red: status"], changes);
    }
}
