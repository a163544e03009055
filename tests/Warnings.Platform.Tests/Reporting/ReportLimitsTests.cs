using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Duration = NodaTime.Duration;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Reporting;

/// <summary>
/// Incident reports are bounded: texts (2,000 characters for descriptions, 200 for names and
/// addresses), finite coordinates, instants within years 1970-2199; ListIncidents pages.
/// </summary>
public sealed class ReportLimitsTests(EmbeddedPlatformFixture fixture) : IClassFixture<EmbeddedPlatformFixture>
{
    private IncidentReportService.IncidentReportServiceClient Reporter => fixture.Platform.Client(c => new IncidentReportService.IncidentReportServiceClient(c), Roles.DistrictReporter);

    private static string Id() => $"req-{Guid.NewGuid():N}";

    private ReportBody Initial() => new()
    {
        Category = "production_safety",
        OccurredAt = (fixture.Clock.GetCurrentInstant() - Duration.FromMinutes(30)).ToTimestamp(),
        District = "310101",
        Address = "中山东一路",
        Location = new GeoPoint { Latitude = 31.2304, Longitude = 121.4737 },
        ReportingUnit = "黄浦区应急管理局",
        Reporter = "王值班",
        Totals = new IncidentCounts { Deaths = 0, SeriouslyInjured = 1 },
        Account = "厂房起火，已扑灭。",
    };

    private async Task<RpcException> RefusedAsync(ReportBody body) =>
        await Assert.ThrowsAsync<RpcException>(async () => await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = body }));

    [Theory]
    [InlineData(double.NaN, 121.47)]
    [InlineData(31.23, double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity, double.NaN)]
    [InlineData(91.0, 121.47)]
    public async Task Coordinates_that_are_not_finite_numbers_on_Earth_are_invalid_argument(double latitude, double longitude)
    {
        var body = Initial();
        body.Location = new GeoPoint { Latitude = latitude, Longitude = longitude };

        var error = await RefusedAsync(body);

        RpcAssert.Refused(error, StatusCode.InvalidArgument, "REPORT_INVALID");
        Assert.Contains("body.location", error.Status.Detail);
    }

    [Fact]
    public async Task Crop_area_that_is_not_a_finite_number_is_invalid_argument()
    {
        var body = Initial();
        body.Totals.CropAreaHectares = double.NaN;

        RpcAssert.Refused(await RefusedAsync(body), StatusCode.InvalidArgument, "REPORT_INVALID");
    }

    [Fact]
    public async Task Every_text_is_bounded()
    {
        var body = Initial();
        body.Account = new string('事', 2001);
        body.Measures = new string('m', 2001);
        body.Address = new string('路', 201);
        body.Reporter = new string('王', 201);
        body.Enterprise = new string('e', 201);

        var error = await RefusedAsync(body);

        RpcAssert.Refused(error, StatusCode.InvalidArgument, "REPORT_INVALID");
        var fields = error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(v => v.Field).ToList();
        Assert.Contains("body.account", fields);
        Assert.Contains("body.measures", fields);
        Assert.Contains("body.address", fields);
        Assert.Contains("body.reporter", fields);
        Assert.Contains("body.enterprise", fields);

        var fits = Initial();
        fits.Account = new string('事', 2000);
        fits.Address = new string('路', 200);
        Assert.NotEmpty((await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = fits })).Incident.Id);
    }

    [Fact]
    public async Task Instants_outside_years_1970_to_2199_are_invalid_argument()
    {
        var body = Initial();
        body.OccurredAt = new Timestamp { Seconds = -62135596800 };
        RpcAssert.Refused(await RefusedAsync(body), StatusCode.InvalidArgument, "REPORT_INVALID");

        var list = await Assert.ThrowsAsync<RpcException>(async () => await Reporter.ListIncidentsAsync(new ListIncidentsRequest { OccurredTo = new Timestamp { Seconds = 253402300799 } }));
        Assert.Equal(StatusCode.InvalidArgument, list.StatusCode);
    }

    [Fact]
    public async Task Incidents_are_listed_a_page_at_a_time()
    {
        var ids = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            ids.Add((await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial() })).Incident.Id);
        }

        var seen = new List<string>();
        string token = "";
        int pages = 0;
        do
        {
            var page = await Reporter.ListIncidentsAsync(new ListIncidentsRequest { PageSize = 2, PageToken = token });
            Assert.True(page.Incidents.Count <= 2);
            seen.AddRange(page.Incidents.Select(i => i.Id));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0 && pages < 100);

        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(ids, seen.Where(ids.Contains));
        Assert.True(pages >= 3);
        Assert.True((await Reporter.ListIncidentsAsync(new ListIncidentsRequest())).Incidents.Count <= 50);

        // Newest first: the latest reports first, without reading the history to reach them.
        var newest = await Reporter.ListIncidentsAsync(new ListIncidentsRequest { NewestFirst = true, PageSize = 5 });
        Assert.Equal(Enumerable.Reverse(ids), newest.Incidents.Select(i => i.Id));
        var newestTwo = await Reporter.ListIncidentsAsync(new ListIncidentsRequest { NewestFirst = true, PageSize = 2 });
        var mixed = await Assert.ThrowsAsync<RpcException>(async () => await Reporter.ListIncidentsAsync(new ListIncidentsRequest { PageToken = newestTwo.NextPageToken }));
        RpcAssert.Refused(mixed, StatusCode.InvalidArgument, Warnings.Core.Grpc.ErrorReasons.PageTokenInvalid);

        foreach (var size in new[] { -1, 501 })
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () => await Reporter.ListIncidentsAsync(new ListIncidentsRequest { PageSize = size }));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        }

        var bad = await Assert.ThrowsAsync<RpcException>(async () => await Reporter.ListIncidentsAsync(new ListIncidentsRequest { PageToken = Warnings.Core.Grpc.Paging.TokenOf(1_000_000) }));
        RpcAssert.Refused(bad, StatusCode.InvalidArgument, Warnings.Core.Grpc.ErrorReasons.PageTokenInvalid);
    }
}
