using System.Reflection;
using Warnings.Chaos;
using Xunit.Abstractions;

namespace Warnings.Platform.Tests.Chaos;

/// <summary>
/// The short version of <c>infra/dev.sh chaos</c>: the platform as its own process, on the test
/// RabbitMQ (a throwaway vhost) and a Redis of this test's own (AOF in a folder of its own), under a
/// light load; the platform is SIGKILLed and started again, then Redis. Every acknowledged warning
/// must reach all ten gateways exactly once (a duplicate whose first POST came just before the kill
/// is tolerated: it was in flight), every acknowledged report must be readable, and nothing may sit
/// in an error queue that no dead letter shows.
/// </summary>
public sealed class ChaosShortTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_platform_and_Redis_under_load_loses_duplicates_and_hides_nothing()
    {
        string configuration = typeof(ChaosShortTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        string dll = Repository.PlatformDll(configuration);
        Assert.True(File.Exists(dll), $"{dll} is missing: the platform is built with the solution");
        // Logs and the Redis folder stay where the test command keeps artifacts, for whoever reads a failure.
        string data = Path.Combine(Environment.GetEnvironmentVariable("WARNINGS_TEST_ARTIFACTS") is { Length: > 0 } artifacts ? artifacts : Path.GetTempPath(),
            $"chaos-short-{Guid.NewGuid():N}"[..24]);
        await using var infrastructure = new SuiteInfrastructure(data);
        await infrastructure.StartAsync();
        var timings = new ChaosTimings(LoadAfterFault: TimeSpan.FromSeconds(5), DeliveryWait: TimeSpan.FromSeconds(45), QuietAfterDelivery: TimeSpan.FromSeconds(2));
        var runner = new ChaosRunner(infrastructure, dll, new LoadRates(WarningsPerSecond: 2, ReportsPerSecond: 1), timings, output.WriteLine);

        var result = await runner.RunAsync(Scenarios.Quick, 1);

        output.WriteLine(ResultTable.ToText([result], new ChaosThresholds()));
        Assert.True(result.AcknowledgedWarnings > 0, "no warning was acknowledged");
        Assert.True(result.Lost == 0, $"{result.LostDeliveries} deliveries and {result.LostReports} reports of acknowledged calls lost");
        Assert.True(result.Duplicates == 0, $"{result.Duplicates} duplicate gateway POSTs not in flight at a kill");
        Assert.True(result.ParkedUnseen == 0, $"{result.ParkedUnseen} parked messages that no dead letter shows ({result.Parked} parked)");
    }
}
