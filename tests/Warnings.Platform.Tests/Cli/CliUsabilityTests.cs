using System.Text.Json.Nodes;
using Warnings.Cli;
using Xunit.Abstractions;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Cli;

/// <summary>
/// What makes the command line usable in a shell and a script: waiting for delivery, Ctrl-C, a JSON
/// stream a line reader can read, errors in the flags' own names, misspellings caught before sending,
/// and lists that stop at --limit.
/// </summary>
public sealed class CliUsabilityTests(RealPlatformFixture fixture, ITestOutputHelper log) : IClassFixture<RealPlatformFixture>
{
    private readonly CliRunner _cli = new(fixture.Platform);

    // A reviewed draft, ready to publish.
    private async Task<string> ReviewedAsync(string hazard, params string[] channels)
    {
        var (code, json, error) = await _cli.RunAsync(Roles.DutyOfficer, ["draft", "--hazard", hazard, "--level", "yellow", "--district", "310101",
            .. channels.SelectMany(c => new[] { "--channel", c }), "--headline", "黄色预警", "--json"]);
        Assert.True(code == 0, error);
        string id = (string)JsonNode.Parse(json)!["id"]!;
        Assert.Equal(0, (await _cli.RunAsync(Roles.DutyOfficer, "submit", id)).Code);
        Assert.Equal(0, (await _cli.RunAsync(Roles.Approver, "review", id)).Code);
        return id;
    }

    [Fact]
    public async Task Publish_wait_follows_each_channel_until_delivered_and_lift_wait_json_prints_one_object_per_line()
    {
        string id = await ReviewedAsync("rainstorm", "website", "app_push", "partner_feed");

        var published = await _cli.RunAsync(Roles.DutyOfficer, "publish", id, "--wait", "--timeout", "50s");
        var lifted = await _cli.RunAsync(Roles.DutyOfficer, "lift", id, "--reason", "雨势减弱", "--wait", "--json");
        log.WriteLine($"$ warnings publish {id} --wait\n{published.Out}{published.Err}(exit {published.Code})");
        log.WriteLine($"$ warnings lift {id} --wait --json\n{lifted.Out}{lifted.Err}(exit {lifted.Code})");

        Assert.True(published.Code == WarningsCli.Ok, published.Err);
        Assert.Contains("  website ", published.Out);
        Assert.Contains($"{id} v1: delivered on 2 of 2 channel(s)", published.Out);
        Assert.True(lifted.Code == WarningsCli.Ok, lifted.Err);
        var lines = lifted.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal("WARNING_STATE_LIFTED", (string?)lines[0]["state"]);
        Assert.All(lines[1]["channels"]!.AsArray(), c => Assert.Equal("delivered", (string?)c!["status"]));
    }

    [Fact]
    public async Task Ctrl_C_ends_a_feed_watch_quietly_with_130()
    {
        string id = await ReviewedAsync("rainstorm", "website", "partner_feed");
        Assert.Equal(0, (await _cli.RunAsync(Roles.DutyOfficer, "publish", id)).Code); // the feed has a message to stop after
        using var interrupt = new CancellationTokenSource();

        var (code, _, error) = await _cli.RunAsync(Roles.Partner, new InterruptOnFirstLine(interrupt), ["feed", "watch", "--resume", "0"], interrupt.Token);

        Assert.Equal(WarningsCli.Interrupted, code);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task Feed_watch_json_prints_one_object_per_line()
    {
        string id = await ReviewedAsync("rainstorm", "website", "partner_feed");
        Assert.Equal(0, (await _cli.RunAsync(Roles.DutyOfficer, "publish", id)).Code);
        Assert.Equal(0, (await _cli.RunAsync(Roles.DutyOfficer, "lift", id, "--reason", "雨停")).Code); // two messages at least

        var (code, output, error) = await _cli.RunAsync(Roles.Partner, "feed", "watch", "--resume", "0", "--count", "2", "--json");

        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.NotNull(JsonNode.Parse(l)!["resumeToken"]));
    }

    [Fact]
    public async Task A_refused_report_names_the_flags_the_user_typed()
    {
        string occurred = (fixture.Clock.GetCurrentInstant() - NodaTime.Duration.FromMinutes(30)).ToString();

        var (code, _, error) = await _cli.RunAsync(Roles.DistrictReporter, "report", "initial", "--category", "fire", "--district", "310101", "--place", "中山东一路",
            "--occurred", occurred, "--account", "厂房起火", "--reporter", "王值班");

        Assert.Equal(WarningsCli.Invalid, code);
        Assert.Contains("  - --unit: ", error);
        Assert.DoesNotContain("reporting_unit", error); // neither in the list nor in the message above it
    }

    [Fact]
    public async Task A_misspelt_hazard_district_or_channel_is_caught_before_sending_with_the_nearest_suggested()
    {
        var hazard = await _cli.RunAsync(Roles.DutyOfficer, "draft", "--hazard", "tyhpoon", "--level", "yellow", "--district", "310101", "--channel", "website");
        var channel = await _cli.RunAsync(Roles.DutyOfficer, "draft", "--hazard", "typhoon", "--level", "yellow", "--district", "310101", "--channel", "webiste");
        var category = await _cli.RunAsync(Roles.DistrictReporter, "report", "initial", "--category", "fier", "--district", "310101");
        var feed = await _cli.RunAsync(Roles.Partner, "feed", "watch", "--hazard", "rainstrom");

        Assert.Equal(WarningsCli.Usage, hazard.Code);
        Assert.Equal("error: unknown hazard 'tyhpoon'; did you mean 'typhoon'?", hazard.Err.Trim());
        Assert.Equal(WarningsCli.Usage, channel.Code);
        Assert.Contains("did you mean 'website'?", channel.Err);
        Assert.Equal(WarningsCli.Usage, category.Code);
        Assert.Contains("did you mean 'fire'?", category.Err);
        Assert.Equal(WarningsCli.Usage, feed.Code);
        Assert.Contains("did you mean 'rainstorm'?", feed.Err);
    }

    [Fact]
    public async Task List_stops_at_limit_and_says_more_exist()
    {
        await ReviewedAsync("rainstorm", "website");
        await ReviewedAsync("rainstorm", "website");

        var (code, table, error) = await _cli.RunAsync(Roles.DutyOfficer, "list", "--limit", "1");
        var json = await _cli.RunAsync(Roles.DutyOfficer, "list", "--limit", "1", "--json");
        var tooMany = await _cli.RunAsync(Roles.DutyOfficer, "list", "--limit", "100000");

        Assert.True(code == 0, error);
        Assert.Contains("showing the first 1 warnings; more may exist", table);
        var page = JsonNode.Parse(json.Out)!;
        Assert.Single(page["warnings"]!.AsArray());
        Assert.NotEmpty((string)page["nextPageToken"]!);
        Assert.Equal(WarningsCli.Usage, tooMany.Code);
    }

    [Theory]
    [InlineData("tyhpoon", "typhoon")]
    [InlineData("rainstrom", "rainstorm")]
    [InlineData("Typhoon", "typhoon")]
    [InlineData("earthquake", null)]
    public void The_nearest_code_is_a_slip_of_the_keyboard_away_or_none(string typed, string? expected) =>
        Assert.Equal(expected, Vocabulary.Nearest(typed, ["typhoon", "rainstorm", "heat", "fog"]));

    [Fact]
    public async Task Paging_through_a_filter_that_matches_nothing_stops_after_twenty_calls()
    {
        int calls = 0;
        var items = new Google.Protobuf.Collections.RepeatedField<string>();

        // Every page empty, every page with a token: the API stopped looking, not the list ending.
        string token = await Paging.CollectAsync(50, items, (size, next) =>
        {
            calls++;
            return Task.FromResult((new Google.Protobuf.Collections.RepeatedField<string>(), $"t{calls}"));
        });

        Assert.Equal(20, calls);
        Assert.Empty(items);
        Assert.Equal("t20", token);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1h", 3600)]
    [InlineData("00:02:00", 120)]
    public void Timeouts_read_as_durations(string text, int seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), DeliveryWait.ParseTimeout(text));

    [Theory]
    [InlineData("0s")]
    [InlineData("25h")]
    [InlineData("soon")]
    [InlineData("1e300h")]
    public void A_timeout_out_of_bounds_is_a_usage_error(string text) =>
        Assert.Equal(WarningsCli.Usage, Assert.Throws<CliException>(() => DeliveryWait.ParseTimeout(text)).ExitCode);
}
