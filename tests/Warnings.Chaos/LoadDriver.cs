using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;

namespace Warnings.Chaos;

/// <summary>How much load: warnings (each to all ten channels) and initial incident reports per second.</summary>
public sealed record LoadRates(double WarningsPerSecond, double ReportsPerSecond, int MaxInFlight = 150);

/// <summary>
/// Steady load over gRPC as the load tool issues it: a warning is a draft to all ten channels,
/// submitted, network SMS approved by the municipal approver, then emergency-published; a report is
/// an initial report. Every call goes through <see cref="PatientCalls"/>. A warning is acknowledged
/// when its publish returned OK, a report when its submission did.
/// </summary>
public sealed class LoadDriver(CallInvoker officer, CallInvoker municipal, CallInvoker reporter, LoadRates rates)
{
    private readonly WarningService.WarningServiceClient _officer = new(officer);
    private readonly WarningService.WarningServiceClient _municipal = new(municipal);
    private readonly IncidentReportService.IncidentReportServiceClient _reporter = new(reporter);
    private readonly ConcurrentDictionary<Task, bool> _inFlight = new();
    private int _skipped;

    /// <summary>Acknowledged warnings: id to the published version.</summary>
    public ConcurrentDictionary<string, int> AcknowledgedWarnings { get; } = new();

    /// <summary>Acknowledged reports: request id to the incident id the platform answered with.</summary>
    public ConcurrentDictionary<string, string> AcknowledgedReports { get; } = new();

    /// <summary>Starts not taken because <see cref="LoadRates.MaxInFlight"/> callers were still retrying.</summary>
    public int Skipped => Volatile.Read(ref _skipped);

    public PatientCalls Calls { get; private set; } = new(CancellationToken.None);

    /// <summary>One line on how the load is going, for the progress log and for timeouts.</summary>
    public string Describe() =>
        $"{AcknowledgedWarnings.Count} warnings and {AcknowledgedReports.Count} reports acknowledged, {_inFlight.Count} in flight, {Calls.Retries} retries"
        + string.Concat(Calls.Refusals.Select(r => $"; {r.Value}x {r.Key}"));

    /// <summary>
    /// Issues load until <paramref name="stop"/>; then lets calls in flight finish for up to
    /// <paramref name="grace"/> (still retrying) before abandoning them unacknowledged.
    /// </summary>
    public async Task RunAsync(CancellationToken stop, TimeSpan grace)
    {
        using var abandon = new CancellationTokenSource();
        Calls = new PatientCalls(abandon.Token);
        var warnings = PaceAsync(rates.WarningsPerSecond, () => WarningAsync(Calls), stop);
        var reports = PaceAsync(rates.ReportsPerSecond, () => ReportAsync(Calls), stop);
        await Task.WhenAll(warnings, reports);
        var remaining = Task.WhenAll(_inFlight.Keys);
        if (await Task.WhenAny(remaining, Task.Delay(grace)) != remaining)
        {
            await abandon.CancelAsync();
        }

        await remaining;
    }

    private async Task PaceAsync(double perSecond, Func<Task> start, CancellationToken stop)
    {
        if (perSecond <= 0)
        {
            return;
        }

        long begin = Stopwatch.GetTimestamp();
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond) - Stopwatch.GetElapsedTime(begin);
            if (due > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(due, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            // Bounded: during a long outage every started warning keeps retrying; without a bound the
            // harness itself would become the overload.
            if (_inFlight.Count >= rates.MaxInFlight)
            {
                Interlocked.Increment(ref _skipped);
                continue;
            }

            var task = Task.Run(async () =>
            {
                try
                {
                    await start();
                }
                catch (Exception e)
                {
                    Calls.Refusals.AddOrUpdate($"unexpected {e.GetType().Name}: {e.Message}", 1, (_, n) => n + 1);
                }
            });
            _inFlight.TryAdd(task, true);
            _ = task.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task WarningAsync(PatientCalls calls)
    {
        string key = Guid.NewGuid().ToString("N")[..16];
        var now = SystemClock.Instance.GetCurrentInstant();
        var create = new CreateDraftRequest
        {
            RequestId = $"chaos-d-{key}",
            Content = new WarningContent
            {
                Hazard = "typhoon", Level = "red", Districts = { "310101" }, Channels = { PlatformProcess.Channels },
                OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(6)).ToTimestamp(),
                Texts = { new WarningText { Language = "zh-CN", Headline = "台风红色预警", Description = "台风将严重影响本市。", Instruction = "请留在室内。" } },
            },
        };
        var draft = await calls.UntilOkAsync("CreateDraft", o => _officer.CreateDraftAsync(create, o));
        if (draft is null
            || await calls.UntilOkAsync("Submit", o => _officer.SubmitAsync(new WarningActionRequest { RequestId = $"chaos-s-{key}", WarningId = draft.Id }, o)) is null
            || await calls.UntilOkAsync("ApproveNetworkSms", o => _municipal.ApproveNetworkSmsAsync(new WarningActionRequest { RequestId = $"chaos-a-{key}", WarningId = draft.Id }, o)) is null)
        {
            return;
        }

        var published = await calls.UntilOkAsync("EmergencyPublish", o => _officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"chaos-p-{key}", WarningId = draft.Id }, o));
        if (published is not null)
        {
            AcknowledgedWarnings[published.Id] = published.Version;
        }
    }

    private async Task ReportAsync(PatientCalls calls)
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        var request = new SubmitInitialRequest
        {
            RequestId = $"chaos-i-{Guid.NewGuid():N}",
            Body = new ReportBody
            {
                Category = "fire", OccurredAt = (now - Duration.FromMinutes(10)).ToTimestamp(), District = "310101", Address = "中山东一路",
                Location = new GeoPoint { Latitude = 31.2304, Longitude = 121.4737 }, ReportingUnit = "黄浦区应急管理局", Reporter = "值班员",
                Totals = new IncidentCounts { Deaths = 0, SeriouslyInjured = 1 }, Account = "混沌测试",
            },
        };
        var receipt = await calls.UntilOkAsync("SubmitInitial", o => _reporter.SubmitInitialAsync(request, o));
        if (receipt is not null)
        {
            AcknowledgedReports[request.RequestId] = receipt.Incident.Id;
        }
    }
}
