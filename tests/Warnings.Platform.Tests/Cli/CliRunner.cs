using Warnings.Cli;
using Warnings.Testing;

namespace Warnings.Platform.Tests.Cli;

/// <summary>Runs the <c>warnings</c> command line in-process against a test platform, as a given role.</summary>
internal sealed class CliRunner(TestPlatform platform)
{
    public async Task<(int Code, string Out, string Err)> RunAsync(string role, params string[] args) =>
        await RunAsync(role, new StringWriter(), args);

    /// <summary>Runs with <paramref name="output"/> as standard output (a writer that reacts to what is printed).</summary>
    public async Task<(int Code, string Out, string Err)> RunAsync(string role, StringWriter output, string[] args, CancellationToken cancellationToken = default)
    {
        using var error = new StringWriter();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Eventually.DefaultTimeout); // a wait that never ends fails the test, not the run
        int code = await WarningsCli.RunAsync([.. args, "--address", platform.GrpcAddress, "--api-key", TestIdentities.Keys[role]], output, error, timeout.Token);
        return (code, output.ToString(), error.ToString());
    }
}

/// <summary>Standard output that cancels the run once something is printed: Ctrl-C in the middle of a stream.</summary>
internal sealed class InterruptOnFirstLine(CancellationTokenSource interrupt) : StringWriter
{
    public override void WriteLine(string? value)
    {
        base.WriteLine(value);
        interrupt.Cancel();
    }
}
