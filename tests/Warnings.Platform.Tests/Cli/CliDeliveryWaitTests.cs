using System.Text.Json.Nodes;
using Warnings.Cli;
using Warnings.Testing;
using Xunit.Abstractions;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Cli;

/// <summary>
/// <c>publish --wait</c> against real gateways on loopback: a channel that fails makes the wait exit 7
/// naming it; a channel that hangs makes it exit 8 at --timeout, naming what it was still waiting for.
/// </summary>
public sealed class CliDeliveryWaitTests(ITestOutputHelper log) : IAsyncLifetime
{
    private Backplane _backplane = null!;
    private TestGateway _gateway = null!;
    private TestPlatform _platform = null!;
    private CliRunner _cli = null!;

    public async Task InitializeAsync()
    {
        _backplane = await Backplane.CreateRealAsync();
        _gateway = await TestGateway.StartAsync();
        var settings = new Dictionary<string, string?>();
        foreach (var channel in new[] { "sms", "tv" })
        {
            settings[$"Dispatch:Gateways:{channel}:Url"] = $"{_gateway.Url}/{channel}";
            settings[$"Dispatch:Gateways:{channel}:Secret"] = $"secret-{channel}";
        }

        _platform = await TestPlatform.StartAsync(_backplane, settings: settings);
        _cli = new CliRunner(_platform);
    }

    public async Task DisposeAsync()
    {
        await _platform.DisposeAsync();
        await _gateway.DisposeAsync();
        await _backplane.DisposeAsync();
    }

    private async Task<string> ReviewedTyphoonAsync()
    {
        var (code, json, error) = await _cli.RunAsync(Roles.DutyOfficer, "draft", "--hazard", "typhoon", "--level", "yellow", "--district", "310101",
            "--channel", "sms", "--channel", "tv", "--headline", "台风黄色预警", "--json");
        Assert.True(code == 0, error);
        string id = (string)JsonNode.Parse(json)!["id"]!;
        Assert.Equal(0, (await _cli.RunAsync(Roles.DutyOfficer, "submit", id)).Code);
        Assert.Equal(0, (await _cli.RunAsync(Roles.Approver, "review", id)).Code);
        return id;
    }

    [Fact]
    public async Task A_failing_channel_ends_the_wait_with_7_and_names_it()
    {
        _gateway.FailNext("sms", int.MaxValue);
        string id = await ReviewedTyphoonAsync();

        var (code, output, error) = await _cli.RunAsync(Roles.DutyOfficer, "publish", id, "--wait");
        log.WriteLine($"$ warnings publish {id} --wait\n{output}{error}(exit {code})");

        Assert.Equal(WarningsCli.DeliveryFailed, code);
        Assert.Contains("  sms              failed", output);
        Assert.Contains("failed: sms", output);
        Assert.Contains($"error: delivery of {id} v1 failed on a channel", error);
    }

    [Fact]
    public async Task A_hanging_channel_ends_the_wait_at_the_timeout_with_8()
    {
        _gateway.SlowDown("tv", TimeSpan.FromMinutes(5));
        string id = await ReviewedTyphoonAsync();

        var (code, output, error) = await _cli.RunAsync(Roles.DutyOfficer, "publish", id, "--wait", "--timeout", "3s");
        log.WriteLine($"$ warnings publish {id} --wait --timeout 3s\n{output}{error}(exit {code})");

        Assert.Equal(WarningsCli.TimedOut, code);
        Assert.Contains("still waiting: tv", output);
        Assert.Contains("had not settled after 3s", error);
    }
}
