using System.Text.RegularExpressions;
using System.Xml.Linq;
using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Issuing.Cap;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Issuing;

/// <summary>
/// A warning drafted from a template of the publication list, taken to publication: its CAP is valid
/// in both languages with no Chinese in the English block. Unknown and other departments' templates
/// are refused with their own reasons.
/// </summary>
public abstract partial class TemplateDraftTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : PlatformFixture
{
    private WarningService.WarningServiceClient As(string role) => fixture.Platform.Client(c => new WarningService.WarningServiceClient(c), role);

    private static string Id() => $"req-{Guid.NewGuid():N}";

    [GeneratedRegex(@"[\p{IsCJKUnifiedIdeographs}\p{IsCJKSymbolsandPunctuation}\p{IsHalfwidthandFullwidthForms}]")]
    private static partial Regex Cjk();

    private CreateDraftRequest FromTemplate(string templateId)
    {
        var now = fixture.Clock.GetCurrentInstant();
        return new CreateDraftRequest
        {
            RequestId = Id(),
            Content = new WarningContent
            {
                Districts = { "310101", "310115" },
                Channels = { "website", "app_push", "partner_feed" },
                OnsetAt = now.ToTimestamp(),
                ExpiresAt = (now + Duration.FromHours(12)).ToTimestamp(),
                Contact = "上海中心气象台 021-12121",
            },
            FromTemplate = new DraftTemplate { TemplateId = templateId },
        };
    }

    [Fact]
    public async Task A_red_typhoon_drafted_from_its_template_publishes_as_cap_valid_in_both_languages_with_no_chinese_in_english()
    {
        var draft = await As(Roles.DutyOfficer).CreateDraftAsync(FromTemplate("smb-typhoon-red"));
        await As(Roles.DutyOfficer).SubmitAsync(new WarningActionRequest { RequestId = Id(), WarningId = draft.Id });
        await As(Roles.Approver).ReviewAsync(new ReviewRequest { RequestId = Id(), WarningId = draft.Id, Approve = true });
        await As(Roles.Approver).SignOffAsync(new WarningActionRequest { RequestId = Id(), WarningId = draft.Id });
        await As(Roles.DutyOfficer).PublishAsync(new WarningActionRequest { RequestId = Id(), WarningId = draft.Id });

        var cap = await As(Roles.Analyst).GetCapAsync(new GetCapRequest { WarningId = draft.Id });
        var history = await As(Roles.DutyOfficer).GetHistoryAsync(new GetWarningRequest { WarningId = draft.Id });

        Assert.Equal(("typhoon", "red"), (draft.Content.Hazard, draft.Content.Level));
        Assert.Equal("台风红色预警", draft.Content.Texts.Single(t => t.Language == "zh-CN").Headline);
        Assert.StartsWith("from template smb-typhoon-red (list v", history.Steps[0].Note);
        var (document, errors) = CapSchema.Parse(cap.Xml);
        Assert.Empty(errors);
        XNamespace ns = CapWriter.Cap;
        var infos = document!.Root!.Elements(ns + "info").ToList();
        Assert.Equal(["zh-CN", "en"], infos.Select(i => i.Element(ns + "language")!.Value));
        Assert.DoesNotMatch(Cjk(), infos[1].ToString());
        Assert.Equal("Red Typhoon Warning", infos[1].Element(ns + "headline")!.Value);
        Assert.Equal("Shanghai Meteorological Service", infos[1].Element(ns + "senderName")!.Value);
        Assert.Equal("Typhoon", infos[1].Element(ns + "event")!.Value);
        Assert.Equal("上海市气象局", infos[0].Element(ns + "senderName")!.Value);
        Assert.Contains("停课、关闭公园", infos[0].Element(ns + "instruction")!.Value);
    }

    [Fact]
    public async Task A_draft_from_a_template_stays_an_ordinary_editable_draft_and_the_requests_headline_wins()
    {
        var request = FromTemplate("smb-rainstorm-blue");
        request.Content.Texts.Add(new WarningText { Language = "zh-CN", Headline = "暴雨蓝色预警（浦东）" });

        var draft = await As(Roles.DutyOfficer).CreateDraftAsync(request);
        var content = draft.Content.Clone();
        content.Texts.Single(t => t.Language == "en").Headline = "Blue Rainstorm Warning (Pudong)";
        var edited = await As(Roles.DutyOfficer).EditDraftAsync(new EditDraftRequest { RequestId = Id(), WarningId = draft.Id, Content = content });

        Assert.Equal("暴雨蓝色预警（浦东）", draft.Content.Texts.Single(t => t.Language == "zh-CN").Headline);
        Assert.Equal("Blue Rainstorm Warning", draft.Content.Texts.Single(t => t.Language == "en").Headline);
        Assert.Contains("Huangpu District, Pudong New Area", draft.Content.Texts.Single(t => t.Language == "en").Description);
        Assert.Equal("Blue Rainstorm Warning (Pudong)", edited.Content.Texts.Single(t => t.Language == "en").Headline);
    }

    [Fact]
    public async Task Unknown_and_other_departments_templates_are_refused_with_their_own_reasons_and_nothing_is_made()
    {
        var before = await As(Roles.DutyOfficer).ListWarningsAsync(new ListWarningsRequest { PageSize = 500 });

        var unknown = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).CreateDraftAsync(FromTemplate("no-such-template")).ResponseAsync);
        var otherDepartment = await Assert.ThrowsAsync<RpcException>(() => As(Roles.DutyOfficer).CreateDraftAsync(FromTemplate("swa-flood-blue")).ResponseAsync);

        RpcAssert.Refused(unknown, StatusCode.NotFound, "TEMPLATE_NOT_FOUND");
        RpcAssert.Refused(otherDepartment, StatusCode.PermissionDenied, "TEMPLATE_OTHER_DEPARTMENT");
        var after = await As(Roles.DutyOfficer).ListWarningsAsync(new ListWarningsRequest { PageSize = 500 });
        Assert.Equal(before.Warnings.Count, after.Warnings.Count);
    }
}

public sealed class EmbeddedTemplateDraftTests(EmbeddedPlatformFixture fixture) : TemplateDraftTests<EmbeddedPlatformFixture>(fixture);

public sealed class RealTemplateDraftTests(RealPlatformFixture fixture) : TemplateDraftTests<RealPlatformFixture>(fixture);
