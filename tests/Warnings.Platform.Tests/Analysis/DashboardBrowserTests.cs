using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Analysis;

/// <summary>
/// The dashboard in a real browser (headless Chromium) against the platform on real RabbitMQ and
/// Redis: an analyst signs in, a warning is published through gRPC, and the district turns red
/// without a reload (server-sent events); the screenshot is kept as a test artifact.
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
}
