using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Console;

/// <summary>
/// The console's vertical slice in a real browser, on real RabbitMQ and Redis with a local gateway:
/// draft, live list check at the fields, review and sign-off in the inbox, publish and the live
/// channel board; the list changing under an open draft; update and lift. Screenshots are kept
/// under the test artifacts' <c>console/</c>.
/// </summary>
public sealed partial class ConsoleBrowserTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private const string FormReady = "document.querySelector('form.warning-form')?.dataset.ready === 'true' && document.querySelector('form.warning-form')?.dataset.checking !== 'true'";

    [Fact]
    public async Task An_officer_drafts_a_red_typhoon_from_a_template_an_approver_signs_it_off_and_the_officer_watches_every_channel_delivered()
    {
        await using var officer = await ConsoleBrowser.StartAsync(fixture.Http);
        await officer.SignInAsync(TestIdentities.Keys[Roles.DutyOfficer]);
        await officer.GoAsync("#/new", "draft");
        await officer.UntilAsync(FormReady, "the new warning form");
        await officer.SelectAsync("#f-hazard", "typhoon");
        // The department's standard text for a red typhoon: it sets the level and fills both languages.
        await officer.UntilAsync("!!document.querySelector('#f-template option[value=\"smb-typhoon-red\"]')", "the typhoon templates");
        await officer.SelectAsync("#f-template", "smb-typhoon-red");
        await officer.UntilAsync("document.getElementById('f-level').value === 'red' && document.getElementById('f-zh-CN-headline').value === '{hazard}{level}预警' && document.getElementById('f-en-headline').value !== ''", "the template's level and texts");
        foreach (string channel in new[] { "sms", "cell_broadcast", "website", "app_push", "siren" })
        {
            await officer.ClickAsync($"#ch-{channel} input");
        }

        // Pudong, chosen on the map, and a polygon drawn inside it.
        var inside = await PointInsideAsync(officer, "310115");
        await officer.Chromium.ClickAsync(inside.X, inside.Y);
        await officer.UntilAsync("document.querySelector('input[data-district=\"310115\"]').checked", "Pudong chosen on the map");
        await officer.ClickAsync("a.leaflet-buttons-control-button:has(.leaflet-pm-icon-polygon)");
        var square = new[] { (-12, -12), (12, -12), (12, 12), (-12, 12), (-12, -12) };
        foreach (var (dx, dy) in square)
        {
            await officer.Chromium.ClickAsync(inside.X + dx, inside.Y + dy);
        }

        await officer.UntilAsync("document.getElementById('shapes-info').textContent.includes('1 ⬠')", "the polygon drawn");
        await officer.UntilAsync(FormReady + " && document.querySelector('form.warning-form').dataset.allowed === 'true'", "the list allowing the red typhoon");
        await officer.UntilAsync("document.querySelector('#preview [data-channel=sms] [data-language=\"zh-CN\"]')?.dataset.parts >= 1", "the SMS preview");
        await officer.AssertAccessibleAsync("new warning");
        await officer.ScreenshotAsync("new-warning");

        // Orange does not allow sirens: the refusal appears at the siren channel, with its code.
        await officer.SelectAsync("#f-level", "orange");
        await officer.UntilAsync("!!document.querySelector('#ch-siren-messages .violation[data-code=CHANNEL_NOT_ALLOWED]')", "the siren refused at its field");
        Assert.Contains("CHANNEL_NOT_ALLOWED", await officer.TextAsync("#ch-siren-messages"));
        await officer.ScreenshotAsync("new-warning-refused");
        await officer.SelectAsync("#f-level", "red");
        await officer.UntilAsync(FormReady + " && document.querySelector('form.warning-form').dataset.allowed === 'true' && !document.querySelector('.violation')", "the refusal gone at red");
        await officer.ClickAsync("#submit");
        await officer.UntilAsync("document.getElementById('main').dataset.view === 'warning' && document.getElementById('main').dataset.state === 'WARNING_STATE_SUBMITTED'", "the submitted warning");
        string id = ((string)(await officer.EvaluateAsync("location.hash"))!).Split('/')[^1];
        Assert.Equal("台风红色预警", await officer.TextAsync("#main h1")); // the placeholders filled by the platform
        Assert.Contains("需由他人审核", await officer.TextAsync("#main"));

        await using (var approver = await ConsoleBrowser.StartAsync(fixture.Http))
        {
            await approver.SignInAsync(TestIdentities.Keys[Roles.Approver]);
            await approver.GoAsync("#/inbox", "inbox");
            string item = $"[data-section=waitReview] [data-warning=\"{id}\"]";
            await approver.UntilAsync($"!!document.querySelector('{item} [data-action=approve]')", "the warning waiting for review");
            await approver.AssertAccessibleAsync("inbox");
            await approver.ScreenshotAsync("inbox");
            await approver.ClickAsync($"{item} [data-action=approve]");
            string signOff = $"[data-section=waitSignOff] [data-warning=\"{id}\"] [data-action=sign-off]";
            await approver.UntilAsync($"!!document.querySelector('{signOff}')", "the warning waiting for the leader's sign-off");
            await approver.ClickAsync(signOff);
            await approver.UntilAsync($"!document.querySelector('[data-warning=\"{id}\"] [data-action]')", "nothing left to do for it");
            await approver.AssertNoProblemsAsync();
        }

        await officer.GoAsync("#/inbox", "inbox");
        await officer.UntilAsync($"!!document.querySelector('[data-section=waitPublish] [data-warning=\"{id}\"] a')", "the warning ready to publish");
        await officer.ClickAsync($"[data-section=waitPublish] [data-warning=\"{id}\"] a");
        await officer.UntilAsync("!!document.getElementById('publish')", "the publish button");
        await officer.EvaluateAsync("window.sameDocument = 'yes'; true");
        await officer.ClickAsync("#publish");
        await officer.UntilAsync("document.getElementById('main').dataset.state === 'WARNING_STATE_PUBLISHED' && document.querySelectorAll('#board tr').length === 5", "the board of five channels");
        await officer.UntilAsync("[...document.querySelectorAll('#board tr')].every(r => r.dataset.status === 'delivered')", "every channel delivered");
        Assert.Equal("yes", (string?)await officer.EvaluateAsync("window.sameDocument")); // no reload
        await officer.UntilAsync("document.querySelector('#cap pre')?.textContent.includes('urn:oasis:names:tc:emergency:cap:1.2')", "the CAP document");
        await officer.AssertAccessibleAsync("warning");
        await officer.ScreenshotAsync("warning-delivered");
        await officer.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task A_list_admin_removing_a_channel_shows_at_once_on_an_open_draft_and_in_the_history_with_its_reason()
    {
        var original = await fixture.ListAdmin.GetGrantAsync(new GetGrantRequest { Id = "smb-typhoon" });
        try
        {
            await using var officer = await ConsoleBrowser.StartAsync(fixture.Http);
            await officer.SignInAsync(TestIdentities.Keys[Roles.DutyOfficer]);
            await officer.GoAsync("#/new", "draft");
            await officer.UntilAsync(FormReady, "the new warning form");
            await officer.SelectAsync("#f-hazard", "typhoon");
            await officer.SelectAsync("#f-level", "red");
            await officer.ClickAsync("#ch-tv input");
            await officer.ClickAsync("#ch-website input");
            await officer.ClickAsync("input[data-district=\"310101\"]");
            await officer.TypeAsync("#f-zh-CN-headline", "黄浦区台风红色预警");
            await officer.UntilAsync(FormReady + " && document.querySelector('form.warning-form').dataset.allowed === 'true'", "the draft allowed");

            await using var admin = await ConsoleBrowser.StartAsync(fixture.Http);
            await admin.SignInAsync(TestIdentities.Keys[Roles.ListAdmin]);
            await admin.UntilAsync("document.getElementById('main').dataset.view === 'list' && !!document.querySelector('[data-edit=\"smb-typhoon\"]')", "the grants");
            await admin.ClickAsync("[data-edit=\"smb-typhoon\"]");
            await admin.UntilAsync("!!document.querySelector('input[data-level=red][data-channel=tv]')", "the grant editor");
            await admin.ClickAsync("input[data-level=red][data-channel=tv]");
            await admin.ClickAsync("#preview-change");
            await admin.UntilAsync("document.getElementById('grant-diff').textContent.includes('电视')", "the change previewed");
            await admin.TypeAsync("#g-reason", "电视台播出系统检修 TV playout maintenance");
            await admin.AssertAccessibleAsync("grant editor");
            await admin.ScreenshotAsync("list-grant-editor");

            // The platform's validation, at the field it names.
            await admin.TypeAsync("#g-areas", "999999");
            await admin.ClickAsync("#save-grant");
            await admin.UntilAsync("!!document.querySelector('#g-areas-messages .violation')", "the unknown district refused at the areas field");
            Assert.Contains("999999", await admin.TextAsync("#g-areas-messages"));
            await admin.ScreenshotAsync("list-grant-refused");
            admin.Chromium.ClearProblems(); // the browser logs the refused call (400), as it should
            await admin.TypeAsync("#g-areas", "310000");
            await admin.ClickAsync("#save-grant");
            await admin.UntilAsync("document.querySelector('#history tbody tr .reason')?.textContent.includes('TV playout maintenance')", "the edit in the history");
            Assert.Contains("test-list_admin", await admin.TextAsync("#history tbody tr"));
            await admin.AssertAccessibleAsync("publication list");
            await admin.ScreenshotAsync("list-history");
            await admin.AssertNoProblemsAsync();

            await officer.UntilAsync("!!document.querySelector('#ch-tv-messages .violation[data-code=CHANNEL_NOT_ALLOWED]')", "the open draft refusing TV at once");
            await officer.ScreenshotAsync("new-warning-list-changed");
            await officer.AssertNoProblemsAsync();
        }
        finally
        {
            await fixture.RestoreGrantAsync(original);
        }
    }

    [Fact]
    public async Task An_update_and_a_lift_from_the_console_each_reach_the_feed()
    {
        var approverRpc = fixture.Platform.Client(c => new WarningService.WarningServiceClient(c), Roles.Approver);
        var now = DateTimeOffset.UtcNow;
        var draft = await fixture.Officer.CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = $"d-{Guid.NewGuid():N}",
            Content = new WarningContent
            {
                Hazard = "rainstorm", Level = "yellow", Districts = { "310104" }, Channels = { "website", "partner_feed" },
                OnsetAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now), ExpiresAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now.AddHours(6)),
                Texts = { new WarningText { Language = "zh-CN", Headline = "徐汇区暴雨黄色预警" } },
            },
        });
        await fixture.Officer.SubmitAsync(new WarningActionRequest { RequestId = $"s-{Guid.NewGuid():N}", WarningId = draft.Id });
        await approverRpc.ReviewAsync(new ReviewRequest { RequestId = $"r-{Guid.NewGuid():N}", WarningId = draft.Id, Approve = true });
        await fixture.Officer.PublishAsync(new WarningActionRequest { RequestId = $"p-{Guid.NewGuid():N}", WarningId = draft.Id });

        await using var officer = await ConsoleBrowser.StartAsync(fixture.Http);
        await officer.SignInAsync(TestIdentities.Keys[Roles.DutyOfficer]);
        await officer.GoAsync($"#/warning/{draft.Id}", "warning");
        await officer.UntilAsync("!!document.getElementById('update')", "the published warning");
        await officer.ClickAsync("#update");
        await officer.UntilAsync(FormReady, "the update form");
        await officer.TypeAsync("#f-zh-CN-headline", "徐汇区暴雨黄色预警（延长）");
        await officer.TypeAsync("#update-note", "延长至今晚");
        await officer.UntilAsync(FormReady + " && document.querySelector('form.warning-form').dataset.allowed === 'true'", "the update allowed");
        await officer.ScreenshotAsync("warning-update");
        await officer.ClickAsync("#publish-update");
        await officer.UntilAsync("document.querySelectorAll('#versions details').length === 2", "version 2 in the history");
        await Eventually.Until(() => fixture.Platform.Http.GetStringAsync("/feeds/cap.atom"), atom => atom.Contains("徐汇区暴雨黄色预警（延长）", StringComparison.Ordinal)
            && atom.Contains("<msgType>Update</msgType>", StringComparison.Ordinal), "the update in the Atom feed");

        await officer.TypeAsync("#lift-reason", "降雨已结束");
        await officer.ClickAsync("#lift");
        await officer.UntilAsync("document.getElementById('main').dataset.state === 'WARNING_STATE_LIFTED'", "the warning lifted");
        var cap = await fixture.Officer.GetCapAsync(new GetCapRequest { WarningId = draft.Id });
        Assert.Contains("<msgType>Cancel</msgType>", cap.Xml, StringComparison.Ordinal);
        await Eventually.Until(async () =>
        {
            using var response = await fixture.Platform.Http.GetAsync($"/alerts/{Uri.EscapeDataString(cap.Identifier)}.xml");
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : "";
        }, xml => xml.Contains("<msgType>Cancel</msgType>", StringComparison.Ordinal), "the lift in the feed");
        Assert.Contains("lifted", await officer.TextAsync("#timeline"));
        await officer.ScreenshotAsync("warning-lifted");
        await officer.AssertNoProblemsAsync();
    }

    // A point well inside the district's shape on the map (all four corners of a 24 px square in
    // it), in viewport coordinates, after scrolling the map into view.
    private static async Task<(double X, double Y)> PointInsideAsync(ConsoleBrowser browser, string district)
    {
        await browser.EvaluateAsync("document.getElementById('map').scrollIntoView({ block: 'center' }); true");
        var point = (await browser.EvaluateAsync($$"""
            (() => {
              const path = document.querySelector('path[data-map-district="{{district}}"]');
              const box = path.getBoundingClientRect();
              const inside = (x, y) => document.elementFromPoint(x, y) === path;
              for (let y = box.top + 15; y < box.bottom - 15; y += 6)
                for (let x = box.left + 15; x < box.right - 15; x += 6)
                  if ([[0,0],[-14,-14],[14,-14],[14,14],[-14,14]].every(([a, b]) => inside(x + a, y + b))) return [x, y];
              return null;
            })()
            """))!.AsArray();
        return ((double)point[0]!, (double)point[1]!);
    }
}
