using System.Text.Json.Nodes;
using Warnings.Cli;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Cli;

/// <summary>
/// The <c>warnings</c> command line against a running platform (real RabbitMQ and Redis): a whole
/// warning life cycle, an incident from initial to final report, the feed and the list, and the exit
/// codes and plain-words errors scripts rely on.
/// </summary>
public sealed class CliTests(RealPlatformFixture fixture) : IClassFixture<RealPlatformFixture>
{
    private async Task<(int Code, string Out, string Err)> RunAsync(string role, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout); // a feed that never delivers fails the test, not the run
        int code = await WarningsCli.RunAsync([.. args, "--address", fixture.Platform.GrpcAddress, "--api-key", TestIdentities.Keys[role]], output, error, timeout.Token);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<JsonNode> JsonAsync(string role, params string[] args)
    {
        var (code, output, error) = await RunAsync(role, [.. args, "--json"]);
        Assert.True(code == 0, $"warnings {string.Join(' ', args)} exited {code}: {error}");
        return JsonNode.Parse(output)!;
    }

    [Fact]
    public async Task A_duty_officer_takes_a_warning_through_its_whole_life_from_the_command_line()
    {
        var draft = await JsonAsync(Roles.DutyOfficer, "draft", "--hazard", "rainstorm", "--level", "yellow", "--district", "310101",
            "--channel", "website", "--channel", "partner_feed", "--headline", "暴雨黄色预警", "--valid-hours", "6");
        string id = (string)draft["id"]!;
        Assert.Equal("WARNING_STATE_DRAFT", (string?)draft["state"]);

        await JsonAsync(Roles.DutyOfficer, "submit", id);
        await JsonAsync(Roles.Approver, "review", id);
        var published = await JsonAsync(Roles.DutyOfficer, "publish", id);
        var updated = await JsonAsync(Roles.DutyOfficer, "update", id, "--headline", "暴雨黄色预警（更新）", "--note", "范围调整");
        var status = await JsonAsync(Roles.DutyOfficer, "status", id);
        var lifted = await JsonAsync(Roles.DutyOfficer, "lift", id, "--reason", "雨势减弱");
        var (listCode, table, _) = await RunAsync(Roles.DutyOfficer, "list", "--state", "lifted");
        var feed = await RunAsync(Roles.Partner, "feed", "watch", "--resume", "0", "--hazard", "rainstorm", "--count", "3");

        Assert.Equal("WARNING_STATE_PUBLISHED", (string?)published["state"]);
        Assert.Equal(2, (int?)updated["version"]);
        Assert.Equal("website", (string?)status["channels"]![0]!["channel"]);
        Assert.Equal("WARNING_STATE_LIFTED", (string?)lifted["state"]);
        Assert.Equal(0, listCode);
        Assert.Contains(id, table);
        Assert.Equal(0, feed.Code);
        Assert.Equal(3, feed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains(id, StringComparison.Ordinal)));
        Assert.Contains("(resume: ", feed.Out);
    }

    [Fact]
    public async Task A_district_reports_an_incident_from_initial_to_final_from_the_command_line()
    {
        // The platform runs on a FakeClock: the CLI is told when it happened in that clock's time.
        string occurred = (fixture.Clock.GetCurrentInstant() - NodaTime.Duration.FromMinutes(30)).ToString();
        var initial = await JsonAsync(Roles.DistrictReporter, "report", "initial", "--category", "fire", "--district", "310101", "--place", "中山东一路", "--occurred", occurred,
            "--lat", "31.2304", "--lon", "121.4737", "--deaths", "1", "--account", "厂房起火", "--unit", "黄浦区应急管理局", "--reporter", "王值班");
        string id = (string)initial["incident"]!["id"]!;
        await JsonAsync(Roles.DistrictReporter, "report", "follow-up", id, "--deaths", "1", "--account", "续报：火已扑灭");
        await JsonAsync(Roles.DistrictReporter, "report", "final", id, "--deaths", "1", "--account", "终报", "--signer", "李局长");
        var timeline = await JsonAsync(Roles.DistrictReporter, "report", "show", id);

        Assert.Equal(3, timeline["reports"]!.AsArray().Count);
        Assert.True((bool?)timeline["incident"]!["closed"]);
        var (code, table, _) = await RunAsync(Roles.Analyst, "report", "list");
        Assert.Equal(0, code);
        Assert.Contains(id, table);
    }

    [Fact]
    public async Task Errors_are_plain_words_with_codes_and_exit_codes_a_script_can_rely_on()
    {
        var missing = await RunAsync(Roles.DutyOfficer, "submit", "w-does-not-exist");
        var invalid = await RunAsync(Roles.DutyOfficer, "draft", "--hazard", "rainstorm");
        var notAllowed = await RunAsync(Roles.Partner, "draft", "--hazard", "rainstorm");
        var usage = await RunAsync(Roles.DutyOfficer, "submit");

        Assert.Equal(WarningsCli.NotFound, missing.Code);
        Assert.Contains("NotFound", missing.Err);
        Assert.Equal(WarningsCli.Invalid, invalid.Code);
        Assert.Contains("INVALID_REQUEST", invalid.Err);
        Assert.Contains("  - --district: ", invalid.Err); // the flag the user would type, not the API field
        Assert.Equal(WarningsCli.NotAllowed, notAllowed.Code);
        Assert.Equal(WarningsCli.Usage, usage.Code);

        var list = await JsonAsync(Roles.ListAdmin, "grants", "list");
        Assert.True(long.Parse((string)list["version"]!) >= 1); // int64 is a string in protobuf JSON
        var (exportCode, exported, _) = await RunAsync(Roles.ListAdmin, "grants", "export");
        Assert.Equal(0, exportCode);
        Assert.Contains("smb-typhoon", exported);
    }
}
