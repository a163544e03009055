using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Console;

/// <summary>
/// District reporting in the console on a phone-sized screen: the report form judged by the
/// platform as it is typed, and the offline-first outbox: reports filed with the network cut (page
/// and service worker), kept across a reload, sent exactly once when the network returns, and a
/// refusal on arrival parked with its reason. Screenshots under the test artifacts' <c>console/</c>.
/// </summary>
public sealed class ConsoleReportingTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private const string FormReady = "document.querySelector('form.report-form')?.dataset.ready === 'true' && document.querySelector('form.report-form')?.dataset.previewing !== 'true'";

    private IncidentReportService.IncidentReportServiceClient Reporter => fixture.Platform.Client(c => new IncidentReportService.IncidentReportServiceClient(c), Roles.DistrictReporter);

    [Fact]
    public async Task A_clerk_offline_files_an_initial_report_and_a_follow_up_reloads_and_both_arrive_once_when_the_network_returns()
    {
        string address = $"离线测试路 {Guid.NewGuid():N}"[..20];
        await using var clerk = await PhoneAsync();
        await using var network = new ConsoleOffline(clerk);
        await network.SetAsync(offline: true);

        await clerk.GoAsync("#/report", "report");
        await clerk.UntilAsync(FormReady + " && document.getElementById('r-severity').textContent.length > 0", "the report form, offline");
        Assert.Contains("离线", await clerk.TextAsync("#r-severity"));
        await clerk.SelectAsync("#r-category", "production_safety");
        await clerk.TypeAsync("#r-address", address);
        await clerk.TypeAsync("#r-deaths", "1");
        await clerk.TypeAsync("#r-account", "仓库起火，正在扑救。");
        await clerk.TypeAsync("#r-reporting_unit", "黄浦区应急管理局");
        await clerk.TypeAsync("#r-reporter", "王值班");
        await clerk.ClickAsync("#r-send");
        await clerk.UntilAsync("document.getElementById('main').dataset.view === 'outbox' && document.querySelectorAll('#outbox [data-local]').length === 1", "the initial report in the outbox");

        // The follow-up to the incident that exists only in the outbox: it starts from its counts.
        await clerk.GoAsync("#/incidents", "incidents");
        await clerk.UntilAsync("!!document.querySelector('#incidents .queued [data-action=follow-up]')", "the queued incident in my district's list");
        await clerk.ClickAsync("#incidents .queued [data-action=follow-up]");
        await clerk.UntilAsync(FormReady + " && document.getElementById('r-deaths').value === '1'", "the follow-up form from the queued counts");
        await clerk.TypeAsync("#r-deaths", "2");
        await clerk.TypeAsync("#r-account", "一人送医不治。");
        await clerk.ClickAsync("#r-send");
        await clerk.UntilAsync("document.getElementById('main').dataset.view === 'outbox' && document.querySelectorAll('#outbox [data-local]').length === 2", "both reports in the outbox");
        await clerk.AssertAccessibleAsync("outbox");
        await clerk.ScreenshotAsync("console-outbox");
        Assert.Empty(await IncidentsAtAsync(address)); // really offline: nothing reached the platform

        // A reload while still offline: the service worker opens the app, the outbox is still there.
        await clerk.Chromium.SendAsync("Page.reload");
        await clerk.UntilAsync("window.consoleReady === true && location.hash === '#/outbox' && document.querySelectorAll('#outbox [data-local]').length === 2", "the outbox after an offline reload");
        Assert.Empty(await IncidentsAtAsync(address));

        await network.SetAsync(offline: false);
        await clerk.UntilAsync("!!document.getElementById('outbox-empty') && document.getElementById('net-status').dataset.count === '0'", "the outbox emptied");
        var incident = Assert.Single(await IncidentsAtAsync(address));
        Assert.Equal([ReportKind.Initial, ReportKind.FollowUp], incident.Reports.Select(r => r.Kind));
        Assert.Equal(2, incident.Incident.Totals.Deaths);
    }

    [Fact]
    public async Task A_follow_up_queued_offline_to_an_incident_closed_meanwhile_stays_in_the_outbox_with_the_reason()
    {
        var initial = await Reporter.SubmitInitialAsync(new SubmitInitialRequest
        {
            RequestId = $"c-{Guid.NewGuid():N}",
            Body = new ReportBody
            {
                Category = "production_safety", OccurredAt = (SystemClock.Instance.GetCurrentInstant() - Duration.FromMinutes(20)).ToTimestamp(), District = "310101",
                Address = "中山东一路", ReportingUnit = "黄浦区应急管理局", Reporter = "王值班", Totals = new IncidentCounts { Deaths = 1 }, Account = "厂房起火。",
            },
        });
        string id = initial.Incident.Id;
        await using var clerk = await PhoneAsync();
        await clerk.GoAsync("#/incidents", "incidents");
        string item = $"#incidents [data-incident=\"{id}\"]";
        await clerk.UntilAsync($"!!document.querySelector('{item} .countdown')?.textContent", "the incident with its countdown");
        await clerk.AssertAccessibleAsync("my district's incidents");
        await clerk.ClickAsync($"{item} [data-action=follow-up]");

        // Online, the platform classifies the counts as they are typed, and checks the place tapped.
        await clerk.UntilAsync(FormReady + " && document.getElementById('r-deaths').value === '1'", "the follow-up form from the incident's counts");
        await clerk.TypeAsync("#r-deaths", "3");
        await clerk.TypeAsync("#r-account", "又有两人遇难。");
        await clerk.UntilAsync(FormReady + " && document.querySelector('form.report-form').dataset.severity === 'III' && document.querySelector('form.report-form').dataset.acceptable === 'true'", "class III from the platform");
        Assert.Contains("升级", await clerk.TextAsync("#r-severity"));
        await clerk.AssertAccessibleAsync("report form");
        await clerk.ScreenshotAsync("console-report-form");
        await clerk.AssertNoProblemsAsync();

        await using var network = new ConsoleOffline(clerk);
        await network.SetAsync(offline: true);
        await clerk.ClickAsync("#r-send");
        await clerk.UntilAsync("document.querySelectorAll('#outbox [data-local]').length === 1", "the follow-up in the outbox");

        await Reporter.SubmitFinalAsync(new SubmitFollowUpRequest
        {
            RequestId = $"f-{Guid.NewGuid():N}", IncidentId = id, Body = new ReportBody { Totals = new IncidentCounts { Deaths = 1 }, Account = "终报", SigningOfficial = "李局长" },
        });
        await network.SetAsync(offline: false);
        await clerk.UntilAsync("document.querySelector('#outbox [data-local]')?.dataset.reason === 'INCIDENT_CLOSED'", "the follow-up parked with its reason");
        Assert.Equal("parked", (string?)await clerk.EvaluateAsync("document.querySelector('#outbox [data-local]').dataset.state"));
        Assert.Contains("INCIDENT_CLOSED", await clerk.TextAsync("#outbox"));
        await clerk.ScreenshotAsync("console-outbox-refused");
        var timeline = await Reporter.GetTimelineAsync(new GetIncidentRequest { IncidentId = id });
        Assert.Equal([ReportKind.Initial, ReportKind.Final], timeline.Reports.Select(r => r.Kind));
    }

    // A district reporter signed in on a phone-sized screen, with the app ready to work offline.
    private async Task<ConsoleBrowser> PhoneAsync()
    {
        var clerk = await ConsoleBrowser.StartAsync(fixture.Http);
        await clerk.Chromium.SetViewportAsync(390, 844);
        await clerk.SignInAsync(TestIdentities.Keys[Roles.DistrictReporter]);
        await clerk.UntilAsync("document.getElementById('main').dataset.view === 'incidents' && window.offlineReady === true && !!navigator.serviceWorker.controller", "the reporter's incidents, ready offline");
        return clerk;
    }

    // The district's incidents whose initial report gave this address, with their reports.
    private async Task<List<IncidentTimeline>> IncidentsAtAsync(string address)
    {
        var all = await Reporter.ListIncidentsAsync(new ListIncidentsRequest { PageSize = 500 });
        var timelines = new List<IncidentTimeline>();
        foreach (var incident in all.Incidents)
        {
            var timeline = await Reporter.GetTimelineAsync(new GetIncidentRequest { IncidentId = incident.Id });
            if (timeline.Reports[0].Body.Address == address)
            {
                timelines.Add(timeline);
            }
        }

        return timelines;
    }
}
