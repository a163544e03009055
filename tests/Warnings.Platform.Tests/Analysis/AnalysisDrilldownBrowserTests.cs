using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Platform.Tests.Console;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Analysis;

/// <summary>
/// The console's analysis view in headless Chromium on real RabbitMQ and Redis: an analyst signs in,
/// lands on the city's timeliness, drills to a district and its incidents, then to an incident's
/// timeline; the export links of each level download the current selection; axe finds nothing serious.
/// </summary>
public sealed class AnalysisDrilldownBrowserTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private IncidentReportService.IncidentReportServiceClient CityReporter => new(fixture.Platform.WithAuthorization(
        $"Bearer {TestIdentities.MintJwt("city.reporter", [Roles.DistrictReporter], DateTime.UtcNow.AddHours(1), district: "310000")}"));

    private async Task<string> ReportAsync(string district, string category)
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        var receipt = await CityReporter.SubmitInitialAsync(new SubmitInitialRequest
        {
            RequestId = $"r-{Guid.NewGuid():N}",
            Body = new ReportBody
            {
                Category = category, District = district, OccurredAt = (now - Duration.FromMinutes(20)).ToTimestamp(), Address = "测试地址", ReportingUnit = "区应急管理局",
                Reporter = "值班员", Totals = new IncidentCounts { Deaths = 1 }, Account = "初报",
            },
        });
        return receipt.Incident.Id;
    }

    [Fact]
    public async Task An_analyst_drills_from_the_city_to_a_district_to_an_incident_with_the_exports_of_each_selection()
    {
        string xuhui = await ReportAsync("310104", "fire");
        await ReportAsync("310101", "road_traffic");
        var analyst = fixture.Platform.Client(c => new AnalysisService.AnalysisServiceClient(c), Roles.Analyst);
        await Eventually.Until(async () => await analyst.GetOpenIncidentsAsync(new OpenIncidentsRequest()), r => r.Incidents.Any(i => i.IncidentId == xuhui), "the incidents in the projection");

        await using var browser = await ConsoleBrowser.StartAsync(fixture.Http);
        await browser.SignInAsync(TestIdentities.Keys[Roles.Analyst]);
        // An analyst's first page is the analysis view (the desk is not theirs).
        await browser.UntilAsync("location.hash === '#/analysis' && document.getElementById('main').dataset.view === 'analysis' && !!document.querySelector('#timeliness tr[data-district=\"310104\"]')", "the city's timeliness");
        Assert.Equal("#/analysis", (string?)await browser.EvaluateAsync("document.querySelector('#nav a').getAttribute('href')"));
        Assert.Equal(17, (int)(double)(await browser.EvaluateAsync("document.querySelectorAll('#timeliness tbody tr').length"))!); // 16 districts and the city
        await browser.AssertAccessibleAsync("analysis: city");
        Assert.Equal(200, (int)(double)(await browser.EvaluateAsync("fetch(document.querySelector('#export-links a[data-file=\"timeliness.csv\"]').href).then(r => r.status)"))!);

        await browser.ClickAsync("#timeliness tr[data-district=\"310104\"] a");
        await browser.UntilAsync($"location.hash === '#/analysis/310104' && !!document.querySelector('#incidents tr[data-incident=\"{xuhui}\"]')", "Xuhui's incidents");
        Assert.Equal(1, (int)(double)(await browser.EvaluateAsync("document.querySelectorAll('#incidents tbody tr').length"))!);
        string? link = (string?)await browser.EvaluateAsync("document.querySelector('#export-links a[data-file=\"incidents.csv\"]').href");
        Assert.Contains("district=310104", link);
        // The district's file holds the district's incident, as the page shows it.
        string csv = (string)(await browser.EvaluateAsync($"fetch({System.Text.Json.JsonSerializer.Serialize(link)}).then(r => r.text())"))!;
        Assert.Contains(xuhui, csv);
        await browser.AssertAccessibleAsync("analysis: district");
        await browser.Chromium.ScreenshotAsync(HeadlessChromium.ArtifactPath("console-drilldown.png"));

        await browser.ClickAsync($"#incidents tr[data-incident=\"{xuhui}\"] a");
        await browser.UntilAsync($"location.hash === '#/analysis/310104/{xuhui}' && document.querySelectorAll('#timeline tbody tr').length === 1", "the incident's timeline");
        Assert.Contains("初报", await browser.TextAsync("#timeline tbody tr"));
        await browser.AssertAccessibleAsync("analysis: incident");
        await browser.ScreenshotAsync("analysis-incident");
        await browser.AssertNoProblemsAsync();
    }
}
