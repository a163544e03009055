using System.Text.RegularExpressions;
using Warnings.Cli;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Cli;

/// <summary>
/// <c>warnings display issue|list|revoke</c> against the platform. The CLI counts days on the real
/// clock and the platform checks on its fake one, so only a refused expiry (far out on both) is given.
/// </summary>
public sealed partial class CliDisplayTests(EmbeddedPlatformFixture fixture) : IClassFixture<EmbeddedPlatformFixture>
{
    [GeneratedRegex(@"display session (ds_[0-9a-f]+)")]
    private static partial Regex DisplayId();

    private CliRunner Cli => new(fixture.Platform);

    [Fact]
    public async Task An_operator_issues_lists_and_revokes_a_display_session()
    {
        var (code, issued, error) = await Cli.RunAsync(Roles.Operator, "display", "issue", "值班室 大屏", "--dashboard", "https://warnings.example/");
        Assert.True(code == WarningsCli.Ok, error);
        Assert.Matches(@"https://warnings\.example/dashboard/pair#[A-Za-z0-9_-]{43}", issued);
        string id = DisplayId().Match(issued).Groups[1].Value;

        var (_, listed, _) = await Cli.RunAsync(Roles.Operator, "display", "list", "--limit", "1000", "--json");
        Assert.Contains(id, listed);

        var (revokeCode, revoked, revokeError) = await Cli.RunAsync(Roles.Operator, "display", "revoke", id, "--reason", "moved");
        Assert.True(revokeCode == WarningsCli.Ok, revokeError);
        Assert.Contains("revoked", revoked);

        var (tooLong, _, tooLongError) = await Cli.RunAsync(Roles.Operator, "display", "issue", "大屏", "--days", "400");
        Assert.Equal(WarningsCli.Invalid, tooLong);
        Assert.Contains("expires_at", tooLongError);

        var (notOperator, _, _) = await Cli.RunAsync(Roles.Analyst, "display", "list");
        Assert.Equal(WarningsCli.NotAllowed, notOperator);
    }
}
