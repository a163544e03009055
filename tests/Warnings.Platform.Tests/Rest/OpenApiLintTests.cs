using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Warnings.Platform.Tests.Rest;

/// <summary>
/// The served OpenAPI document passes Redocly CLI's lint (pinned 2.77.0, the repository's
/// <c>redocly.yaml</c>: the recommended rules) with no error; its summary is printed. The CLI is
/// installed by <c>infra/dev.sh install</c> into <c>.tools/redocly</c>, or named by
/// <c>WARNINGS_TEST_REDOCLY</c>.
/// </summary>
public sealed class OpenApiLintTests(EmbeddedPlatformFixture fixture, ITestOutputHelper output) : IClassFixture<EmbeddedPlatformFixture>
{
    [Fact]
    public async Task The_served_OpenAPI_document_passes_redocly_lint_with_no_error()
    {
        string repo = RepositoryRoot();
        string redocly = Environment.GetEnvironmentVariable("WARNINGS_TEST_REDOCLY") is { Length: > 0 } configured
            ? configured
            : Path.Combine(repo, ".tools", "redocly", "node_modules", ".bin", "redocly");
        Assert.True(File.Exists(redocly), $"Redocly CLI not found at {redocly}: run 'infra/dev.sh install' (it installs @redocly/cli into .tools/redocly).");

        string url = new Uri(fixture.Platform.Http.BaseAddress!, "/openapi.json").ToString();
        string document = Warnings.Testing.HeadlessChromium.ArtifactPath("openapi.json");
        Directory.CreateDirectory(Path.GetDirectoryName(document)!);
        await File.WriteAllTextAsync(document, await fixture.Platform.Http.GetStringAsync("/openapi.json"));
        var start = new ProcessStartInfo(redocly)
        {
            ArgumentList = { "lint", url, "--config", Path.Combine(repo, "redocly.yaml"), "--format", "stylish" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = repo,
            Environment = { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true", ["NO_COLOR"] = "1" },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        string report = $"{await stdout}\n{await stderr}";
        output.WriteLine(report);
        await File.WriteAllTextAsync(Warnings.Testing.HeadlessChromium.ArtifactPath("openapi-lint.txt"), report);

        Assert.True(process.ExitCode == 0, $"redocly lint found errors (exit {process.ExitCode}):\n{report}");
        Assert.Contains("Your API description is valid", report, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\berror\s", report);
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_and_documented_errors_and_no_dotnet_members()
    {
        var document = JsonNode.Parse(await fixture.Platform.Http.GetStringAsync("/openapi.json"))!;

        Assert.NotEmpty(document["servers"]!.AsArray());
        var operations = document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(op => (Route: $"{op.Key} {path.Key}", Operation: op.Value!))).ToList();
        Assert.All(operations, o =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)o.Operation["operationId"]), $"{o.Route} has no operationId");
            Assert.False(string.IsNullOrWhiteSpace((string?)o.Operation["summary"]), $"{o.Route} has no summary");
            Assert.True(o.Operation["responses"]?["400"] is not null && o.Operation["responses"]?["401"] is not null, $"{o.Route} documents no 4xx");
        });
        Assert.Equal(operations.Count, operations.Select(o => (string?)o.Operation["operationId"]).Distinct().Count());
        // The earlier collection route of a custom method is there, marked deprecated.
        Assert.True((bool?)document["paths"]!["/v1/warnings:submit"]?["post"]?["deprecated"]);
        Assert.Null(document["paths"]!["/v1/warnings/{warningId}:submit"]?["post"]?["deprecated"]);

        string text = document.ToJsonString();
        Assert.DoesNotContain("OneofCase", text, StringComparison.Ordinal);
        Assert.Equal("date-time", (string?)document["components"]!["schemas"]!["Warning"]!["properties"]!["createdAt"]!["format"]);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Warnings.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository (Warnings.sln) above the test's folder.");
    }
}
