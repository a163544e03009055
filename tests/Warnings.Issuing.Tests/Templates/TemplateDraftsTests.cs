using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;
using Warnings.Issuing.Domain;
using Warnings.PublicationList.Domain;

namespace Warnings.Issuing.Tests.Templates;

/// <summary>A draft from a template: filled in both languages, the request's own fields winning, and each refusal typed.</summary>
public class TemplateDraftsTests
{
    public static readonly Instant Now = Instant.FromUtc(2026, 7, 15, 12, 0);

    public static CompiledList DefaultList()
    {
        var document = JsonParser.Default.Parse<Contracts.V1.PublicationList>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "publication-list", "shanghai.json")));
        document.Version = 3;
        return new CompiledList(document);
    }

    public static CreateDraftRequest FromTemplate(string templateId, WarningContent? content = null) => new()
    {
        RequestId = "req-1",
        Content = content ?? new WarningContent
        {
            Districts = { "310101", "310115" },
            Channels = { "website", "app_push" },
            OnsetAt = Now.ToTimestamp(),
            ExpiresAt = (Now + Duration.FromHours(12.5)).ToTimestamp(),
            Contact = "上海市气象局值班室 021-12121",
        },
        FromTemplate = new DraftTemplate { TemplateId = templateId },
    };

    private static (WarningContent? Content, string Note, FieldViolations Problems) Apply(CreateDraftRequest request, string department = "SMB")
    {
        var problems = new FieldViolations();
        var (content, note) = TemplateDrafts.Apply(request, department, DefaultList(), Now, problems);
        return (content, note, problems);
    }

    private static Dictionary<string, string> Violations(FieldViolations problems)
    {
        try
        {
            problems.ThrowIfAny();
            return [];
        }
        catch (RpcException e)
        {
            return e.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.GroupBy(v => v.Field).ToDictionary(g => g.Key, g => string.Join(" | ", g.Select(v => v.Description)));
        }
    }

    [Fact]
    public void The_template_gives_hazard_level_and_both_texts_filled_from_the_draft()
    {
        var (content, note, problems) = Apply(FromTemplate("smb-typhoon-red"));

        Assert.False(problems.Any);
        Assert.Equal("from template smb-typhoon-red (list v3)", note);
        Assert.Equal(("typhoon", "red"), (content!.Hazard, content.Level));
        var zh = content.Texts.Single(t => t.Language == "zh-CN");
        var en = content.Texts.Single(t => t.Language == "en");
        Assert.Equal("台风红色预警", zh.Headline);
        Assert.Contains("黄浦区、浦东新区", zh.Description);
        Assert.Contains("7月15日20时", zh.Description);
        Assert.Contains("联动措施：停工、停业、停运、停航、停飞、停课、关闭公园。", zh.Instruction);
        Assert.Equal("Red Typhoon Warning", en.Headline);
        Assert.Contains("In force from 20:00 on 15 July until 08:30 on 16 July.", en.Description);
        Assert.False(ListNames.HasChinese(en.Headline + en.Description + en.Instruction));
    }

    [Fact]
    public void The_requests_own_text_fields_win_over_the_templates()
    {
        var request = FromTemplate("smb-typhoon-blue");
        request.Content.Texts.Add(new WarningText { Language = "zh-CN", Headline = "台风蓝色预警（第1号）" });
        request.Content.Texts.Add(new WarningText { Language = "en", Instruction = "Stay away from the Bund." });

        var (content, _, problems) = Apply(request);

        Assert.False(problems.Any);
        var zh = content!.Texts.Single(t => t.Language == "zh-CN");
        var en = content.Texts.Single(t => t.Language == "en");
        Assert.Equal("台风蓝色预警（第1号）", zh.Headline);
        Assert.StartsWith("上海市气象局发布台风蓝色预警", zh.Description);
        Assert.Equal("Blue Typhoon Warning", en.Headline);
        Assert.Equal("Stay away from the Bund.", en.Instruction);
        Assert.Equal(2, content.Texts.Count);
    }

    [Fact]
    public void A_hazard_or_level_other_than_the_templates_is_a_field_violation()
    {
        var request = FromTemplate("smb-typhoon-blue");
        request.Content.Hazard = "rainstorm";
        request.Content.Level = "red";

        var violations = Violations(Apply(request).Problems);

        Assert.Contains("'typhoon'", violations["content.hazard"]);
        Assert.Contains("'blue'", violations["content.level"]);
    }

    [Fact]
    public void Values_are_for_measures_only_and_bounded()
    {
        var request = FromTemplate("smb-typhoon-blue");
        request.FromTemplate.Values.Add(new PlaceholderValue { Placeholder = "districts", Value = "全市" });
        request.FromTemplate.Values.Add(new PlaceholderValue { Placeholder = "measures", Language = "fr", Value = new string('x', 501) });
        request.FromTemplate.Values.Add(new PlaceholderValue { Placeholder = "weather", Value = "x" });

        var violations = Violations(Apply(request).Problems);

        Assert.Contains("filled from the draft", violations["from_template.values[0].placeholder"]);
        Assert.Contains("zh-CN, en", violations["from_template.values[1].language"]);
        Assert.Contains("at most 500", violations["from_template.values[1].value"]);
        Assert.Contains("values are for {measures}", violations["from_template.values[2].placeholder"]);
    }

    [Fact]
    public void Measures_the_grant_does_not_link_must_be_given()
    {
        var list = DefaultList();
        var document = list.Document.Clone();
        var template = document.Templates.Single(t => t.Id == "smb-typhoon-blue");
        template.Texts[0].Instruction += "措施：{measures}";
        template.Texts[1].Instruction += "Measures: {measures}";
        var problems = new FieldViolations();
        var request = FromTemplate("smb-typhoon-blue");

        TemplateDrafts.Apply(request, "SMB", new CompiledList(document), Now, problems);
        request.FromTemplate.Values.Add(new PlaceholderValue { Placeholder = "measures", Value = "关闭外滩观景平台 / the Bund viewing platforms closed" });
        var given = new FieldViolations();
        var (content, _) = TemplateDrafts.Apply(request, "SMB", new CompiledList(document), Now, given);

        Assert.Contains("{measures}", Violations(problems)["from_template.values"]);
        Assert.False(given.Any);
        Assert.EndsWith("措施：关闭外滩观景平台 / the Bund viewing platforms closed", content!.Texts.Single(t => t.Language == "zh-CN").Instruction);
    }

    [Fact]
    public void The_template_is_filled_even_when_other_fields_have_problems_so_every_problem_is_heard_at_once()
    {
        var problems = new FieldViolations().CheckId("not a request id");
        var request = FromTemplate("smb-typhoon-blue");
        request.FromTemplate.Values.Add(new PlaceholderValue { Placeholder = "weather", Value = "x" });

        var (content, _) = TemplateDrafts.Apply(request, "SMB", DefaultList(), Now, problems);

        Assert.Equal(["request_id", "from_template.values[0].placeholder"], Violations(problems).Keys);
        Assert.Equal("台风蓝色预警", content!.Texts.Single(t => t.Language == "zh-CN").Headline);
    }

    [Theory]
    [InlineData("no-such-template", "SMB", StatusCode.NotFound, TemplateReasons.NotFound)]
    [InlineData("swa-flood-blue", "SMB", StatusCode.PermissionDenied, TemplateReasons.OtherDepartment)]
    public void An_unknown_template_or_another_departments_is_refused_with_its_own_reason(string templateId, string department, StatusCode code, string reason)
    {
        var error = Assert.Throws<RpcException>(() => Apply(FromTemplate(templateId), department));

        Assert.Equal(code, error.StatusCode);
        Assert.Equal(reason, error.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
    }

    [Fact]
    public void A_retired_template_is_refused()
    {
        var document = DefaultList().Document.Clone();
        document.Templates.Single(t => t.Id == "smb-fog-red").Status = TemplateStatus.Retired;

        var error = Assert.Throws<RpcException>(() => TemplateDrafts.Apply(FromTemplate("smb-fog-red"), "SMB", new CompiledList(document), Now, new FieldViolations()));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(TemplateReasons.Retired, error.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
    }
}
