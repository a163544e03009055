using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Chaos;

/// <summary>How long each phase of a scenario lasts.</summary>
public sealed record ChaosTimings(TimeSpan LoadAfterFault, TimeSpan DeliveryWait, TimeSpan QuietAfterDelivery)
{
    public static readonly ChaosTimings Full = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(3));
}

/// <summary>
/// Runs one scenario end to end on a fresh vhost and key prefix: the platform process and a gateway
/// receiver, warm-up under load, the fault, more load, then waits for every acknowledged warning's
/// deliveries and counts what was lost, duplicated and parked.
/// </summary>
public sealed class ChaosRunner(IChaosInfrastructure infrastructure, string platformDll, LoadRates rates, ChaosTimings timings, Action<string> log)
{
    public async Task<ScenarioResult> RunAsync(ChaosScenario scenario, int run)
    {
        string id = Guid.NewGuid().ToString("N")[..8];
        string vhost = $"chaos-{scenario.Name}-{id}";
        await infrastructure.CtlAsync("add_vhost", vhost);
        await infrastructure.CtlAsync("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
        try
        {
            return await RunInVhostAsync(scenario, run, vhost, $"chaos-{id}");
        }
        finally
        {
            try
            {
                await infrastructure.CtlAsync("delete_vhost", vhost);
            }
            catch (InvalidOperationException e)
            {
                log($"could not delete vhost {vhost}: {e.Message}");
            }
        }
    }

    private async Task<ScenarioResult> RunInVhostAsync(ChaosScenario scenario, int run, string vhost, string keyPrefix)
    {
        var notes = new List<string>();
        await using var gateway = await TestGateway.StartAsync();
        string LogPath(string? instance) => Path.Combine(infrastructure.DataDirectory, "logs", $"{scenario.Name}-{run}-{keyPrefix}{(instance is null ? "" : $"-{instance}")}.log");
        string logPath = LogPath(null);
        await using var platform = new PlatformProcess(platformDll, infrastructure, vhost, keyPrefix, gateway.Url, logPath);
        log($"{scenario.Name} #{run}: vhost {vhost}, key prefix {keyPrefix}, platform log {logPath}");
        long scenarioStart = await platform.StartAsync();
        var keys = platform.ApiKeys();
        using var channel = GrpcChannel.ForAddress(platform.GrpcAddress, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(2),
                KeepAlivePingDelay = TimeSpan.FromSeconds(5),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
                EnableMultipleHttp2Connections = true,
            },
        });
        CallInvoker As(string authorization) => channel.Intercept(m =>
        {
            m.Add("authorization", authorization);
            return m;
        });
        string municipalJwt = TestIdentities.MintJwt("semb.chaos", [Roles.Approver], DateTime.UtcNow.AddHours(2), notBefore: DateTime.UtcNow.AddMinutes(-1), department: "SEMB");
        var load = new LoadDriver(As($"ApiKey {keys[Roles.DutyOfficer]}"), As($"Bearer {municipalJwt}"), As($"ApiKey {keys[Roles.DistrictReporter]}"), rates);
        var operatorInvoker = As($"ApiKey {keys[Roles.Operator]}");

        // Disposed before the platform: an instance the scenario started beside it and did not stop is SIGKILLed.
        await using var context = new ScenarioContext(platform, instance => new PlatformProcess(platformDll, infrastructure, vhost, keyPrefix, gateway.Url, LogPath(instance), instance),
            infrastructure, gateway, m => log($"{scenario.Name} #{run}: {m}"));
        using var stopLoad = new CancellationTokenSource();
        var loadRun = load.RunAsync(stopLoad.Token, grace: TimeSpan.FromSeconds(20));
        try
        {
            await Eventually.Until(() => Task.FromResult((gateway.Requests.Count, Load: load.Describe())), s => s.Count > 0, "the first delivery under load", TimeSpan.FromSeconds(60));
            context.Log("load running, first delivery seen; injecting the fault");
            await scenario.InjectAsync(context);
            await ScenarioContext.KeepLoadAsync(timings.LoadAfterFault);
        }
        finally
        {
            await stopLoad.CancelAsync();
            await loadRun;
        }

        var warnings = load.AcknowledgedWarnings.Keys.ToList();
        context.Log($"load stopped: {warnings.Count} warnings and {load.AcknowledgedReports.Count} reports acknowledged, {load.Calls.Retries} retries; waiting for deliveries");
        try
        {
            await Eventually.Until(() => Task.FromResult(GatewayLedger.Lost(gateway.Requests, warnings)), lost => lost == 0,
                "every acknowledged warning on all ten channels", timings.DeliveryWait);
        }
        catch (TimeoutException e)
        {
            notes.Add(e.Message);
        }

        try
        {
            await QuietAsync(gateway);
        }
        catch (TimeoutException e)
        {
            notes.Add(e.Message);
        }

        var requests = gateway.Requests;
        var (duplicates, inFlight) = GatewayLedger.Duplicates(requests, context.PlatformStops);
        notes.AddRange(context.Notes);
        notes.AddRange(GatewayLedger.DescribeDuplicates(requests, context.Faults, scenarioStart));
        notes.AddRange(load.Calls.Refusals.Select(r => $"refused {r.Value}x: {r.Key}"));
        if (!platform.IsRunning)
        {
            notes.Add("the platform was not running at the end");
        }

        using var checks = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var patient = new PatientCalls(checks.Token);
        int lostReports = await LostReportsAsync(patient, operatorInvoker, load.AcknowledgedReports.Values.ToHashSet());
        var queues = await QueueDepthsAsync(vhost);
        int parked = queues.Where(q => q.Key.EndsWith("_error", StringComparison.Ordinal)).Sum(q => q.Value);
        // Where undelivered work sits, when some does: a queue nobody consumes, or not even published.
        var waiting = queues.Where(q => q.Value > 0 && !q.Key.EndsWith("_error", StringComparison.Ordinal)).ToList();
        if (waiting.Count > 0)
        {
            notes.Add($"still queued at the end: {string.Join(", ", waiting.Select(q => $"{q.Key} {q.Value}"))}");
        }

        if (!await platform.ReadyAsync())
        {
            notes.Add("the platform's /readyz did not answer 200 at the end");
        }
        var deadLetters = await patient.UntilOkAsync("ListDeadLetters", o => new DispatchService.DispatchServiceClient(operatorInvoker).ListDeadLettersAsync(new ListDeadLettersRequest(), o));
        int shown = deadLetters?.DeadLetters.Count(d => d.RequeuedAt is null) ?? 0;
        var audit = await patient.UntilOkAsync("VerifyAuditChain", o => new AuditService.AuditServiceClient(operatorInvoker).VerifyAuditChainAsync(new VerifyAuditChainRequest(), o));
        string auditText = audit is null ? "not answered" : audit.Intact ? $"intact ({audit.EntriesChecked} entries)" : $"broken at {audit.FirstBrokenEntryId}: {audit.Problem}";
        return new ScenarioResult(scenario.Name, run, warnings.Count, load.AcknowledgedReports.Count, GatewayLedger.Lost(requests, warnings), lostReports,
            duplicates, inFlight, parked, Math.Max(0, parked - shown), GatewayLedger.FirstDeliverySeconds(requests, context.Recoveries),
            audit?.Intact ?? false, auditText, load.Calls.Retries, load.Skipped, notes);
    }

    // A late redelivery is still a duplicate: the count is taken once the gateway has been quiet a while.
    private async Task QuietAsync(TestGateway gateway)
    {
        int seen = -1;
        long since = Stopwatch.GetTimestamp();
        await Eventually.Until(() =>
        {
            int now = gateway.Requests.Count;
            if (now != seen)
            {
                (seen, since) = (now, Stopwatch.GetTimestamp());
            }

            return Task.FromResult(Stopwatch.GetElapsedTime(since) >= timings.QuietAfterDelivery);
        }, quiet => quiet, "the gateway to be quiet", TimeSpan.FromSeconds(60));
    }

    // Acknowledged reports whose incident neither the list nor a direct read finds.
    private static async Task<int> LostReportsAsync(PatientCalls patient, CallInvoker operatorInvoker, HashSet<string> incidentIds)
    {
        var client = new IncidentReportService.IncidentReportServiceClient(operatorInvoker);
        var listed = await patient.UntilOkAsync("ListIncidents", o => client.ListIncidentsAsync(new ListIncidentsRequest { District = "310101" }, o));
        var found = listed?.Incidents.Select(i => i.Id).ToHashSet() ?? [];
        int lost = 0;
        foreach (var id in incidentIds.Where(id => !found.Contains(id)))
        {
            if (await patient.UntilOkAsync($"GetIncident {id}", o => client.GetIncidentAsync(new GetIncidentRequest { IncidentId = id }, o)) is null)
            {
                lost++;
            }
        }

        return lost;
    }

    // Messages per queue of the vhost (list_queues prints "name<TAB>messages" lines); parked ones are in *_error queues.
    private async Task<Dictionary<string, int>> QueueDepthsAsync(string vhost)
    {
        string output = await infrastructure.CtlAsync("list_queues", "-p", vhost, "name", "messages");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t', ' '))
            .Where(f => f.Length >= 2 && int.TryParse(f[^1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .GroupBy(f => f[0])
            .ToDictionary(g => g.Key, g => g.Sum(f => int.Parse(f[^1], CultureInfo.InvariantCulture)));
    }
}
