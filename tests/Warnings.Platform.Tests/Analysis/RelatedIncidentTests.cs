using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Analysis;

/// <summary>
/// Related-incident detection on real RabbitMQ and Redis: among incidents that are close in one way
/// or another, only the planted pair (same category, 0.5 km and an hour apart) is proposed.
/// </summary>
public sealed class RelatedIncidentTests(RealPlatformFixture fixture) : IClassFixture<RealPlatformFixture>
{
    private static readonly Instant T0 = PlatformFixture.Now;

    private IncidentReportService.IncidentReportServiceClient Reporter => new(fixture.Platform.WithAuthorization(
        $"Bearer {TestIdentities.MintJwt("city.reporter", [Roles.DistrictReporter], DateTime.UtcNow.AddHours(1), district: "310000")}"));

    private async Task<string> ReportAsync(string category, string district, double latitude, double longitude, Duration ago, string enterprise) =>
        (await Reporter.SubmitInitialAsync(new SubmitInitialRequest
        {
            RequestId = $"r-{Guid.NewGuid():N}",
            Body = new ReportBody
            {
                Category = category, District = district, OccurredAt = (T0 - ago).ToTimestamp(), Address = "测试地址", ReportingUnit = "区应急管理局", Reporter = "值班员",
                Location = new GeoPoint { Latitude = latitude, Longitude = longitude }, Enterprise = enterprise, Totals = new IncidentCounts { Deaths = 1 }, Account = "初报",
            },
        })).Incident.Id;

    [Fact]
    public async Task The_planted_pair_is_found_and_nothing_else()
    {
        var first = await ReportAsync("production_safety", "310101", 31.2304, 121.4737, Duration.FromHours(2), "甲化工有限公司");
        var second = await ReportAsync("production_safety", "310101", 31.2340, 121.4760, Duration.FromHours(1), "乙物流公司");
        await ReportAsync("road_traffic", "310101", 31.2304, 121.4737, Duration.FromMinutes(90), "");          // same place and time, other category
        await ReportAsync("production_safety", "310115", 31.2215, 121.5440, Duration.FromHours(1), "丙公司");   // same category and time, 6.7 km away
        await ReportAsync("production_safety", "310101", 31.2310, 121.4740, Duration.FromDays(3), "丁公司");    // same category and place, 3 days earlier
        var analyst = fixture.Platform.Client(c => new AnalysisService.AnalysisServiceClient(c), Roles.Analyst);
        var request = new RelatedIncidentsRequest { From = (T0 - Duration.FromDays(7)).ToTimestamp(), To = (T0 + Duration.FromHours(1)).ToTimestamp() };

        await Eventually.Until(async () => (await analyst.GetOpenIncidentsAsync(new OpenIncidentsRequest())).Incidents.Count, n => n == 5, "all five incidents projected");
        var related = await analyst.FindRelatedIncidentsAsync(request);

        var pair = Assert.Single(related.Pairs);
        Assert.Equal((first, second, "nearby_same_category"), (pair.IncidentA, pair.IncidentB, pair.Reason));
        Assert.InRange(pair.DistanceKm, 0.4, 0.5);
        Assert.Equal(1, pair.HoursApart);

        // Narrower settings than the planted distance find nothing.
        request.DistanceKm = 0.2;
        Assert.Empty((await analyst.FindRelatedIncidentsAsync(request)).Pairs);
    }
}
