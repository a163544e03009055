using System.Text.Json.Nodes;
using Warnings.Cli;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Cli;

/// <summary><c>warnings templates</c> and <c>warnings draft --template</c> against a running platform.</summary>
public sealed class CliTemplateTests(RealPlatformFixture fixture) : IClassFixture<RealPlatformFixture>
{
    private async Task<(int Code, string Out, string Err)> RunAsync(string role, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await WarningsCli.RunAsync([.. args, "--address", fixture.Platform.GrpcAddress, "--api-key", TestIdentities.Keys[role]], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_duty_officer_finds_a_template_and_drafts_from_it()
    {
        var (listCode, table, _) = await RunAsync(Roles.DutyOfficer, "templates", "--department", "SMB", "--hazard", "typhoon");
        var (code, json, error) = await RunAsync(Roles.DutyOfficer, "draft", "--template", "smb-typhoon-yellow", "--district", "310101", "--channel", "website", "--json");

        Assert.Equal(0, listCode);
        Assert.Contains("smb-typhoon-yellow", table);
        Assert.True(code == 0, error);
        var draft = JsonNode.Parse(json)!;
        Assert.Equal("typhoon", (string?)draft["content"]!["hazard"]);
        var texts = draft["content"]!["texts"]!.AsArray();
        Assert.Equal("台风黄色预警", (string?)texts.Single(t => (string?)t!["language"] == "zh-CN")!["headline"]);
        Assert.Equal("Yellow Typhoon Warning", (string?)texts.Single(t => (string?)t!["language"] == "en")!["headline"]);
    }

    [Fact]
    public async Task Another_departments_template_is_refused_in_plain_words()
    {
        var (code, _, error) = await RunAsync(Roles.DutyOfficer, "draft", "--template", "swa-flood-blue", "--district", "310101", "--channel", "website");

        Assert.Equal(WarningsCli.NotAllowed, code);
        Assert.Contains("TEMPLATE_OTHER_DEPARTMENT", error);
    }
}
