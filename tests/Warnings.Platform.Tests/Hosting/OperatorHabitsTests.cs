using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Xunit.Abstractions;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Hosting;

/// <summary>
/// The platform started and stopped as an operator does, as its own process: <c>--help</c>, a typo in a
/// value, a port already taken, JSON logs, and a deploy's SIGTERM while a dashboard and a gRPC watcher
/// hold streams open.
/// </summary>
public sealed partial class OperatorHabitsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Help_prints_every_setting_with_its_default_and_exits_0()
    {
        await using var platform = PlatformProcess.Start(["--help"]);

        Assert.Equal(0, await platform.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        string help = string.Join('\n', platform.Stdout);
        Assert.Contains("Feeds:AtomMaxAge", help);
        Assert.Contains("Redis:Configuration", help);
        Assert.Contains("Bus:RabbitMq:Host", help);
        Assert.DoesNotContain("Now listening", help);
    }

    [Fact]
    public async Task A_malformed_value_ends_with_one_line_naming_the_setting_and_exit_2()
    {
        await using var platform = PlatformProcess.Start(["--Feeds:AtomMaxAge=banana"]);

        Assert.Equal(2, await platform.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(platform.Stderr);
        Assert.Contains("Feeds:AtomMaxAge", line);
        Assert.Contains("banana", line);
    }

    [Fact]
    public async Task A_port_already_in_use_ends_with_one_line_naming_the_setting_and_exit_2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var platform = PlatformProcess.Start([], grpcPort: port);

        Assert.Equal(2, await platform.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(platform.Stderr);
        Assert.Contains($"127.0.0.1:{port}", line);
        Assert.Contains("Platform:GrpcUrl", line);
        Assert.DoesNotContain(platform.Stdout, l => l.Contains("   at ", StringComparison.Ordinal)); // no stack trace
    }

    [Fact]
    public async Task Json_logs_are_one_json_object_per_line_and_streams_end_at_once_on_sigterm()
    {
        await using var platform = PlatformProcess.Start([], new Dictionary<string, string?> { ["Logging__Console__FormatterName"] = "json" });
        await platform.WaitUntilServingAsync();

        // A dashboard's event stream, signed in as a person would through the login form.
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(platform.HttpAddress) };
        string login = await browser.GetStringAsync("/dashboard/login");
        string token = FormToken().Match(login).Groups[1].Value;
        using var form = new HttpRequestMessage(HttpMethod.Post, "/dashboard/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = TestIdentities.Keys[Roles.Analyst], ["form_token"] = token }),
        };
        form.Headers.Referrer = new Uri($"{platform.HttpAddress}/dashboard/login");
        form.Headers.Add("Origin", platform.HttpAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SendAsync(form)).StatusCode);
        using var events = new HttpRequestMessage(HttpMethod.Get, "/dashboard/events");
        events.Headers.Accept.ParseAdd("text/event-stream");
        using var stream = await browser.SendAsync(events, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);

        // And a gRPC server stream.
        using var channel = GrpcChannel.ForAddress(platform.GrpcAddress);
        var list = new PublicationListService.PublicationListServiceClient(channel);
        using var watch = list.WatchChanges(new WatchChangesRequest(), new Metadata { { "authorization", $"ApiKey {TestIdentities.Keys[Roles.Operator]}" } });
        await list.GetListAsync(new GetListRequest(), new Metadata { { "authorization", $"ApiKey {TestIdentities.Keys[Roles.Operator]}" } });

        var stopping = Stopwatch.StartNew();
        platform.Terminate();
        int exit = await platform.WaitForExitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"stopped in {stopping.Elapsed.TotalSeconds:F1} s with two streams open (shutdown timeout 45 s)");

        Assert.Equal(0, exit);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(20), $"shutdown took {stopping.Elapsed}: the streams held it");
        var lines = platform.Stdout.Where(l => l.Length > 0).ToList();
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var parsed = JsonDocument.Parse(line); // throws on a line that is not one JSON object
            Assert.True(parsed.RootElement.TryGetProperty("LogLevel", out _), line);
        }
    }

    [GeneratedRegex("name=\"form_token\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}
