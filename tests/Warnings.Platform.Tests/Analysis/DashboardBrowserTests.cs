using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Analysis;

/// <summary>
/// The dashboard in a real browser (headless Chromium) against the platform on real RabbitMQ and
/// Redis: an analyst signs in, a warning is published through gRPC, and the district turns red
/// without a reload (server-sent events); the screenshot is kept as a test artifact. The rendered
/// district names overlap nowhere, incidents show their category's names from the publication list,
/// and a dashboard cut off from the platform greys out and says since when.
/// </summary>
public sealed class DashboardBrowserTests(RealPlatformFixture fixture) : IClassFixture<RealPlatformFixture>
{
    private const string Red = "#e0242b";

    [Fact]
    public async Task A_published_warning_turns_its_district_red_on_the_open_dashboard_without_a_reload()
    {
        await using var browser = await HeadlessChromium.StartAsync();
        string http = fixture.Platform.HttpAddress;

        // Sign in as a person would: the login form puts the key in a cookie for /dashboard.
        await browser.NavigateAsync($"{http}/dashboard/login");
        await browser.UntilAsync("document.readyState === 'complete' && !!document.getElementById('key')", "the login page");
        await browser.EvaluateAsync($"document.getElementById('key').value = '{TestIdentities.Keys[Roles.Analyst]}'; document.forms[0].submit(); true");
        await browser.UntilAsync("location.pathname === '/dashboard' && document.getElementById('status').classList.contains('live')", "the live dashboard");
        await browser.UntilAsync("document.querySelectorAll('path[data-district]').length === 16", "the 16 districts");
        double loadedAt = (double)(await browser.EvaluateAsync("window.dashboardLoadedAt"))!;
        Assert.NotEqual(Red, (string?)await browser.EvaluateAsync("document.querySelector('path[data-district=\"310115\"]').getAttribute('fill')"));

        var now = fixture.Clock.GetCurrentInstant();
        var officer = fixture.Platform.Client(c => new WarningService.WarningServiceClient(c), Roles.DutyOfficer);
        var draft = await officer.CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = $"d-{Guid.NewGuid():N}",
            Content = new WarningContent
            {
                Hazard = "typhoon", Level = "red", Districts = { "310115" }, Channels = { "website" },
                OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(12)).ToTimestamp(),
                Texts = { new WarningText { Language = "zh-CN", Headline = "浦东新区台风红色预警" } },
            },
        });
        await officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"p-{Guid.NewGuid():N}", WarningId = draft.Id });

        await browser.UntilAsync($"document.querySelector('path[data-district=\"310115\"]').getAttribute('fill') === '{Red}'", "Pudong turning red");
        Assert.Equal("red", (string?)await browser.EvaluateAsync("document.querySelector('path[data-district=\"310115\"]').dataset.level"));
        Assert.Equal(loadedAt, (double)(await browser.EvaluateAsync("window.dashboardLoadedAt"))!); // the same page: no reload
        Assert.Contains("浦东新区台风红色预警", (string?)await browser.EvaluateAsync("document.getElementById('warnings').textContent"));
        await browser.ScreenshotAsync(HeadlessChromium.ArtifactPath("dashboard.png"));

        // The toggle recolours by risk: a red warning and no open incident is 5 x 1, yellow.
        await browser.EvaluateAsync("document.getElementById('mode-risk').click(); true");
        await browser.UntilAsync("document.querySelector('path[data-district=\"310115\"]').getAttribute('fill') === '#f2c12e'", "Pudong in the risk colours");
        await browser.ScreenshotAsync(HeadlessChromium.ArtifactPath("dashboard-risk.png"));
    }

    [Fact]
    public async Task The_rendered_district_names_do_not_overlap_and_incidents_show_their_category_names()
    {
        await using var browser = await SignedInAsync();
        var now = fixture.Clock.GetCurrentInstant();
        string incident = (await fixture.Platform.Client(c => new IncidentReportService.IncidentReportServiceClient(c), Roles.DistrictReporter).SubmitInitialAsync(new SubmitInitialRequest
        {
            RequestId = $"r-{Guid.NewGuid():N}",
            Body = new ReportBody
            {
                Category = "fire", District = TestIdentities.District, OccurredAt = (now - Duration.FromMinutes(20)).ToTimestamp(), Address = "中山东一路 1 号",
                ReportingUnit = "黄浦区消防救援支队", Reporter = "王值班", Location = new GeoPoint { Latitude = 31.2304, Longitude = 121.4737 },
                Totals = new IncidentCounts { SeriouslyInjured = 1 }, Account = "厂房起火",
            },
        })).Incident.Id;

        await browser.UntilAsync($"!!document.querySelector('[data-incident=\"{incident}\"]')", "the fire on the dashboard");
        string row = (string)(await browser.EvaluateAsync($"document.querySelector('[data-incident=\"{incident}\"]').textContent"))!;
        Assert.Contains("火灾", row);
        Assert.Contains("Fire", row);
        Assert.DoesNotContain("fire", row);

        // The boxes the browser drew, in the map's own units.
        var overlaps = (string)(await browser.EvaluateAsync("""
            (() => {
              const boxes = [...document.querySelectorAll('#map text.label')].map(t => ({ name: t.textContent, b: t.getBBox() }));
              const hits = [];
              for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
                const a = boxes[i].b, b = boxes[j].b;
                if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) hits.push(boxes[i].name + '/' + boxes[j].name);
              }
              return boxes.length + ':' + hits.join(',');
            })()
            """))!;
        Assert.Equal("16:", overlaps);
        await browser.ScreenshotAsync(HeadlessChromium.ArtifactPath("dashboard-labels.png"));
    }

    [Fact]
    public async Task Cut_off_from_the_platform_the_dashboard_greys_out_with_the_time_of_its_last_update_and_recovers()
    {
        await using var browser = await SignedInAsync();
        await browser.UntilAsync("!!document.getElementById('updated').textContent", "a first update");
        Assert.False((bool)(await browser.EvaluateAsync("document.body.classList.contains('stale')"))!);

        await browser.SendAsync("Network.enable");
        await browser.SendAsync("Network.emulateNetworkConditions", new { offline = true, latency = 0, downloadThroughput = -1, uploadThroughput = -1 });
        await browser.UntilAsync("document.body.classList.contains('stale')", "the grey, stale dashboard");
        Assert.True((bool)(await browser.EvaluateAsync("document.getElementById('status').classList.contains('down')"))!);
        string banner = (string)(await browser.EvaluateAsync("document.getElementById('stale').textContent"))!;
        Assert.Matches(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}（北京时间）", banner);
        Assert.Contains("unreachable", banner);
        Assert.Equal("grayscale(1) brightness(0.7)", (string?)await browser.EvaluateAsync("getComputedStyle(document.querySelector('main')).filter"));
        await browser.ScreenshotAsync(HeadlessChromium.ArtifactPath("dashboard-unreachable.png"));

        await browser.SendAsync("Network.emulateNetworkConditions", new { offline = false, latency = 0, downloadThroughput = -1, uploadThroughput = -1 });
        await browser.UntilAsync("!document.body.classList.contains('stale') && document.getElementById('status').classList.contains('live')", "the dashboard back in colour");
    }

    private async Task<HeadlessChromium> SignedInAsync()
    {
        var browser = await HeadlessChromium.StartAsync();
        string http = fixture.Platform.HttpAddress;
        await browser.NavigateAsync($"{http}/dashboard/login");
        await browser.UntilAsync("document.readyState === 'complete' && !!document.getElementById('key')", "the login page");
        await browser.EvaluateAsync($"document.getElementById('key').value = '{TestIdentities.Keys[Roles.Analyst]}'; document.forms[0].submit(); true");
        await browser.UntilAsync("location.pathname === '/dashboard' && document.getElementById('status').classList.contains('live')", "the live dashboard");
        return browser;
    }
}
