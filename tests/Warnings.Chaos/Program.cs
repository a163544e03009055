using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Warnings.Chaos;

// infra/dev.sh chaos [--only NAME] [--repeat N] [--json] [--max-lost N] [--max-duplicates N]
//   [--max-parked-unseen N] [--max-first-delivery SECONDS] [--warnings-per-second R] [--reports-per-second R]
// Starts its own RabbitMQ node and Redis (infra/dev.sh up with the WARNINGS_* overrides), runs each
// scenario on a fresh vhost and key prefix against the platform as its own process, prints one row per run.
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
double Number(string name, double fallback) => Option(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

bool json = args.Contains("--json");
string? only = Option("--only");
int repeat = (int)Number("--repeat", 1);
var thresholds = new ChaosThresholds((int)Number("--max-lost", 0), (int)Number("--max-duplicates", 0), (int)Number("--max-parked-unseen", 0), Number("--max-first-delivery", 5));
var rates = new LoadRates(Number("--warnings-per-second", 6), Number("--reports-per-second", 5));
var scenarios = Scenarios.All.Where(s => only is null || s.Name == only).ToList();
if (scenarios.Count == 0)
{
    Console.Error.WriteLine($"unknown scenario '{only}'; one of: {string.Join(", ", Scenarios.All.Select(s => s.Name))}");
    return 2;
}

string repository = Repository.Root();
string dll = Repository.PlatformDll("Release");
if (!File.Exists(dll))
{
    Console.Error.WriteLine($"{dll} is missing: run 'dotnet build services/Warnings.Platform -c Release' first");
    return 2;
}

var wall = Stopwatch.StartNew();
void Log(string message) => Console.Error.WriteLine($"[chaos {wall.Elapsed.TotalSeconds,6:0.0}s] {message}");

var results = new List<ScenarioResult>();
await using (var infrastructure = DevShInfrastructure.FromEnvironment(repository))
{
    Log($"starting RabbitMQ on {infrastructure.RabbitMqPort} and Redis on {infrastructure.RedisPort} (data in {infrastructure.DataDirectory})");
    await infrastructure.StartAsync();
    var runner = new ChaosRunner(infrastructure, dll, rates, ChaosTimings.Full, Log);
    for (int run = 1; run <= repeat; run++)
    {
        foreach (var scenario in scenarios)
        {
            Log($"{scenario.Name} #{run}: {scenario.Description}");
            ScenarioResult result;
            try
            {
                result = await runner.RunAsync(scenario, run);
            }
            catch (Exception e)
            {
                Log($"{scenario.Name} #{run} aborted: {e}");
                result = ScenarioResult.Aborted(scenario.Name, run, e);
            }

            results.Add(result);
            Log($"{scenario.Name} #{run} done: {result.AcknowledgedWarnings} warnings, {result.Lost} lost, {result.Duplicates} duplicates");
        }
    }

    Log("stopping the chaos RabbitMQ and Redis");
}

var violations = results.SelectMany(thresholds.Violations).ToList();
Console.WriteLine(json
    ? JsonSerializer.Serialize(new { results, thresholds, violations, passed = violations.Count == 0 }, new JsonSerializerOptions { WriteIndented = true })
    : ResultTable.ToText(results, thresholds));
return violations.Count == 0 ? 0 : 1;
