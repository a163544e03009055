using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Reporting;

/// <summary>
/// PreviewReport, the dry run the reporter's form calls as counts are typed: the platform's class,
/// place check and problems, for the reporter's own district only, over gRPC and REST, and nothing
/// stored.
/// </summary>
public sealed class ReportPreviewTests(EmbeddedPlatformFixture fixture) : IClassFixture<EmbeddedPlatformFixture>
{
    private IncidentReportService.IncidentReportServiceClient Client(string role) => fixture.Platform.Client(c => new IncidentReportService.IncidentReportServiceClient(c), role);

    private ReportBody Initial(int deaths) => new()
    {
        Category = "production_safety",
        OccurredAt = (fixture.Clock.GetCurrentInstant() - Duration.FromMinutes(20)).ToTimestamp(),
        District = "310101",
        Address = "中山东一路",
        Location = new GeoPoint { Latitude = 31.2304, Longitude = 121.4737 },
        ReportingUnit = "黄浦区应急管理局",
        Reporter = "王值班",
        Totals = new IncidentCounts { Deaths = deaths },
        Account = "厂房起火。",
    };

    [Fact]
    public async Task An_initial_report_is_judged_and_nothing_is_stored()
    {
        var reporter = Client(Roles.DistrictReporter);
        int before = (await reporter.ListIncidentsAsync(new ListIncidentsRequest { PageSize = 500 })).Incidents.Count;
        var preview = await reporter.PreviewReportAsync(new PreviewReportRequest { Kind = ReportKind.Initial, Body = Initial(deaths: 12) });
        Assert.True(preview.Acceptable);
        Assert.Equal("II", preview.SeverityClass);
        Assert.Equal(("310101", true, true), (preview.Place.DistrictAt, preview.Place.InCity, preview.Place.NearDistrict));
        Assert.Empty(preview.Problems);
        Assert.Equal(before, (await reporter.ListIncidentsAsync(new ListIncidentsRequest { PageSize = 500 })).Incidents.Count);
    }

    [Fact]
    public async Task A_follow_up_is_judged_against_the_incident_and_a_missing_account_is_a_problem_at_its_field()
    {
        var reporter = Client(Roles.DistrictReporter);
        var initial = await reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = $"p-{Guid.NewGuid():N}", Body = Initial(deaths: 1) });
        var preview = await reporter.PreviewReportAsync(new PreviewReportRequest
        {
            Kind = ReportKind.FollowUp, IncidentId = initial.Incident.Id, Body = new ReportBody { Totals = new IncidentCounts { Deaths = 3 } },
        });
        Assert.False(preview.Acceptable);
        Assert.Equal("III", preview.SeverityClass);
        Assert.Equal("IV", preview.IncidentSeverityClass);
        Assert.Equal("body.account", Assert.Single(preview.Problems).Field);
        var timeline = await reporter.GetTimelineAsync(new GetIncidentRequest { IncidentId = initial.Incident.Id });
        Assert.Single(timeline.Reports);
    }

    [Fact]
    public async Task Other_districts_other_roles_and_bad_requests_are_refused_with_typed_errors()
    {
        var reporter = Client(Roles.DistrictReporter);
        var other = Initial(1);
        other.District = "310115";
        RpcAssert.Refused(await Assert.ThrowsAsync<RpcException>(() => reporter.PreviewReportAsync(new PreviewReportRequest { Kind = ReportKind.Initial, Body = other }).ResponseAsync),
            StatusCode.PermissionDenied, Warnings.Core.Identity.IdentityReasons.DistrictOutOfScope);
        RpcAssert.Refused(await Assert.ThrowsAsync<RpcException>(() => Client(Roles.DutyOfficer).PreviewReportAsync(new PreviewReportRequest { Kind = ReportKind.Initial, Body = Initial(1) }).ResponseAsync),
            StatusCode.PermissionDenied, Warnings.Core.Identity.IdentityReasons.RoleNotAllowed);
        RpcAssert.Refused(await Assert.ThrowsAsync<RpcException>(() => reporter.PreviewReportAsync(new PreviewReportRequest { Kind = ReportKind.FollowUp, Body = Initial(1) }).ResponseAsync),
            StatusCode.InvalidArgument, Warnings.Reporting.Domain.ReportingReasons.ReportInvalid);
        RpcAssert.Refused(await Assert.ThrowsAsync<RpcException>(() => reporter.PreviewReportAsync(new PreviewReportRequest { Kind = ReportKind.FollowUp, IncidentId = "i-none", Body = Initial(1) }).ResponseAsync),
            StatusCode.NotFound, Warnings.Reporting.Domain.ReportingReasons.IncidentNotFound);
    }

    [Fact]
    public async Task The_rest_mapping_answers_the_form()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/incidents:previewReport")
        {
            Content = new StringContent("""{"kind":"REPORT_KIND_INITIAL","body":{"category":"production_safety","district":"310101","totals":{"seriouslyInjured":60}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("ApiKey", TestIdentities.Keys[Roles.DistrictReporter]);
        using var response = await fixture.Platform.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("II", (string?)json["severityClass"]);
        Assert.Contains(json["problems"]!.AsArray(), p => (string?)p!["field"] == "body.occurred_at");
    }
}
