using Google.Rpc;
using Grpc.Core;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.PublicationList;

/// <summary>Templates through their RPCs: offered per department, hazard and level; edited by list admins as list versions with history; refusals typed.</summary>
public abstract class TemplateServiceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : PlatformFixture
{
    private PublicationListService.PublicationListServiceClient Client(string role = Roles.ListAdmin) =>
        fixture.Platform.Client(c => new PublicationListService.PublicationListServiceClient(c), role);

    private static string NewRequestId() => $"req-{Guid.NewGuid():N}";

    private async Task<long> CurrentVersionAsync() => (await Client().GetListAsync(new GetListRequest())).Version;

    [Fact]
    public async Task A_duty_officer_is_offered_the_templates_of_a_department_hazard_and_level()
    {
        var typhoonBlue = await Client(Roles.DutyOfficer).ListTemplatesAsync(new ListTemplatesRequest { Department = "SMB", Hazard = "typhoon", Level = "blue" });
        var typhoon = await Client(Roles.Approver).ListTemplatesAsync(new ListTemplatesRequest { Department = "SMB", Hazard = "typhoon" });
        var notices = await Client(Roles.DutyOfficer).ListTemplatesAsync(new ListTemplatesRequest { Level = "none" });
        var firstPage = await Client(Roles.DutyOfficer).ListTemplatesAsync(new ListTemplatesRequest { PageSize = 10 });
        var secondPage = await Client(Roles.DutyOfficer).ListTemplatesAsync(new ListTemplatesRequest { PageSize = 10, PageToken = firstPage.NextPageToken, Version = firstPage.ListVersion });

        var template = Assert.Single(typhoonBlue.Templates);
        Assert.Equal("smb-typhoon-blue", template.Id);
        Assert.Equal(["zh-CN", "en"], template.Texts.Select(t => t.Language));
        Assert.Equal(["smb-typhoon-blue", "smb-typhoon-yellow", "smb-typhoon-orange", "smb-typhoon-red"], typhoon.Templates.Select(t => t.Id));
        Assert.Equal(["flight_suspension", "metro_suspension", "rail_suspension"], notices.Templates.Select(t => t.Hazard));
        Assert.Equal(10, secondPage.Templates.Count);
        Assert.Empty(firstPage.Templates.Select(t => t.Id).Intersect(secondPage.Templates.Select(t => t.Id)));
    }

    [Fact]
    public async Task Templates_are_read_by_those_who_draft_and_approve_and_left_out_of_the_list_for_others()
    {
        var forAdmin = await Client().GetListAsync(new GetListRequest());
        var forPartner = await Client(Roles.Partner).GetListAsync(new GetListRequest());
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client(Roles.Partner).ListTemplatesAsync(new ListTemplatesRequest()).ResponseAsync);

        Assert.NotEmpty(forAdmin.Templates);
        Assert.Empty(forPartner.Templates);
        Assert.NotEmpty(forPartner.Grants);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task An_edited_template_is_a_new_list_version_with_who_when_and_why_in_the_history()
    {
        long before = await CurrentVersionAsync();
        var template = (await Client().GetTemplateAsync(new GetTemplateRequest { Id = "smb-gale-blue" })).Clone();
        template.Id = "smb-gale-blue-coast";
        template.Texts[0].Headline = "{hazard}{level}预警（沿海）";
        template.Texts[1].Headline = "{level} {hazard} Warning (coast)";
        template.Status = TemplateStatus.Unspecified; // upsert makes it active

        var added = await Client().UpsertTemplateAsync(new UpsertTemplateRequest { RequestId = NewRequestId(), ExpectedVersion = before, Template = template, Reason = "沿海大风专用文本" });
        var retired = await Client().RetireTemplateAsync(new RetireTemplateRequest { RequestId = NewRequestId(), ExpectedVersion = added.Version, TemplateId = template.Id, Reason = "merged into smb-gale-blue" });
        var history = await Client(Roles.Analyst).ListHistoryAsync(new ListHistoryRequest { PageSize = 2 });
        var atAdded = await Client(Roles.DutyOfficer).GetTemplateAsync(new GetTemplateRequest { Id = template.Id, Version = added.Version });
        var offered = await Client(Roles.DutyOfficer).ListTemplatesAsync(new ListTemplatesRequest { Hazard = "gale", Level = "blue" });
        var withRetired = await Client(Roles.DutyOfficer).ListTemplatesAsync(new ListTemplatesRequest { Hazard = "gale", Level = "blue", IncludeRetired = true });

        Assert.Equal(before + 1, added.Version);
        Assert.Equal(["template smb-gale-blue-coast added"], added.Change.Changes);
        Assert.Equal(TestIdentities.PrincipalId(Roles.ListAdmin), added.Change.By);
        Assert.Equal(["template smb-gale-blue-coast: status"], retired.Change.Changes);
        Assert.Equal([retired.Version, added.Version], history.Changes.Select(c => c.Version));
        Assert.Equal(["merged into smb-gale-blue", "沿海大风专用文本"], history.Changes.Select(c => c.Reason));
        Assert.Equal(TemplateStatus.Active, atAdded.Status);
        Assert.Equal(["smb-gale-blue"], offered.Templates.Select(t => t.Id));
        Assert.Equal(["smb-gale-blue", "smb-gale-blue-coast"], withRetired.Templates.Select(t => t.Id));
    }

    [Fact]
    public async Task A_template_edit_on_a_stale_version_is_aborted_and_an_invalid_one_gets_field_violations()
    {
        long current = await CurrentVersionAsync();
        var template = (await Client().GetTemplateAsync(new GetTemplateRequest { Id = "smb-fog-yellow" })).Clone();
        template.Texts[0].Instruction += "{visibility}";
        template.Texts[1].Headline = "大雾 warning";
        template.Level = "blue";

        var stale = await Assert.ThrowsAsync<RpcException>(() => Client().UpsertTemplateAsync(
            new UpsertTemplateRequest { RequestId = NewRequestId(), ExpectedVersion = current + 5, Template = template, Reason = "stale" }).ResponseAsync);
        var invalid = await Assert.ThrowsAsync<RpcException>(() => Client().UpsertTemplateAsync(
            new UpsertTemplateRequest { RequestId = NewRequestId(), ExpectedVersion = current, Template = template, Reason = "bad" }).ResponseAsync);

        RpcAssert.Refused(stale, StatusCode.Aborted, "LIST_VERSION_STALE");
        RpcAssert.Refused(invalid, StatusCode.InvalidArgument, "LIST_INVALID");
        var fields = invalid.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "template.level", "template.texts[0].instruction", "template.texts[1].headline" }, fields);
        Assert.Equal(current, await CurrentVersionAsync());
    }

    [Fact]
    public async Task Unknown_and_retired_templates_are_refused_with_their_own_reasons()
    {
        long current = await CurrentVersionAsync();
        var missing = await Assert.ThrowsAsync<RpcException>(() => Client(Roles.DutyOfficer).GetTemplateAsync(new GetTemplateRequest { Id = "no-such-template" }).ResponseAsync);
        var retireMissing = await Assert.ThrowsAsync<RpcException>(() => Client().RetireTemplateAsync(
            new RetireTemplateRequest { RequestId = NewRequestId(), ExpectedVersion = current, TemplateId = "no-such-template", Reason = "x" }).ResponseAsync);
        await Client().RetireTemplateAsync(new RetireTemplateRequest { RequestId = NewRequestId(), ExpectedVersion = current, TemplateId = "smb-frost-orange", Reason = "frost text under review" });
        var twice = await Assert.ThrowsAsync<RpcException>(() => Client().RetireTemplateAsync(
            new RetireTemplateRequest { RequestId = NewRequestId(), ExpectedVersion = current + 1, TemplateId = "smb-frost-orange", Reason = "again" }).ResponseAsync);
        var badFilter = await Assert.ThrowsAsync<RpcException>(() => Client(Roles.DutyOfficer).ListTemplatesAsync(new ListTemplatesRequest { Level = "purple", PageSize = 501 }).ResponseAsync);

        RpcAssert.Refused(missing, StatusCode.NotFound, "TEMPLATE_NOT_FOUND");
        RpcAssert.Refused(retireMissing, StatusCode.NotFound, "TEMPLATE_NOT_FOUND");
        RpcAssert.Refused(twice, StatusCode.FailedPrecondition, "TEMPLATE_RETIRED");
        Assert.Equal(["level", "page_size"], badFilter.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
    }
}

public sealed class EmbeddedTemplateServiceTests(EmbeddedPlatformFixture fixture) : TemplateServiceTests<EmbeddedPlatformFixture>(fixture);

public sealed class RealTemplateServiceTests(RealPlatformFixture fixture) : TemplateServiceTests<RealPlatformFixture>(fixture);
