using System.Diagnostics;
using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.Testing;
using OpenTelemetry.Trace;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Telemetry;

/// <summary>
/// Telemetry on real RabbitMQ and Redis: one trace follows a warning from the gRPC call that
/// published it, through the store and the outbox relay and the bus, to every channel gateway's HTTP
/// request; <c>/metrics</c> shows the counters moving. Run alone, after the parallel tests: metrics and
/// trace listeners are process-wide, and with dozens of platforms starting and stopping around it in
/// the same test process its platform's HTTP request durations were once missing from /metrics for a
/// whole minute (a test-process effect: a deployed process hosts one platform).
/// </summary>
[Collection(nameof(TelemetryTests))]
public sealed class TelemetryTests : IAsyncLifetime
{
    // The test's own root span: other platforms in this test process trace too, so the test finds
    // its trace by the id it started, not by looking for "the" publish call.
    private static readonly ActivitySource TestSource = new("Warnings.Tests");
    private readonly SpanList _spans = new();
    private Backplane _backplane = null!;
    private TestGateway _gateway = null!;
    private TestPlatform _platform = null!;

    public async Task InitializeAsync()
    {
        _backplane = await Backplane.CreateRealAsync();
        _gateway = await TestGateway.StartAsync();
        // No OTLP collector here: the test's in-process exporter takes the spans.
        var settings = new Dictionary<string, string?> { ["Telemetry:Tracing"] = "true" };
        foreach (var channel in new[] { "sms", "website" })
        {
            settings[$"Dispatch:Gateways:{channel}:Url"] = $"{_gateway.Url}/{channel}";
            settings[$"Dispatch:Gateways:{channel}:Secret"] = "test-secret";
        }

        _platform = await TestPlatform.StartAsync(_backplane, clock: new FakeClock(SystemClock.Instance.GetCurrentInstant()), settings: settings,
            services: s => s.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(TestSource.Name).AddInMemoryExporter(_spans)));
    }

    private async Task<Warning> PublishAsync()
    {
        var officer = _platform.Client(c => new WarningService.WarningServiceClient(c), Roles.DutyOfficer);
        var now = SystemClock.Instance.GetCurrentInstant();
        var draft = await officer.CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = $"d-{Guid.NewGuid():N}",
            Content = new WarningContent
            {
                Hazard = "typhoon", Level = "red", Districts = { "310101" }, Channels = { "sms", "website" },
                OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(6)).ToTimestamp(),
                Texts = { new WarningText { Language = "zh-CN", Headline = "台风红色预警" } },
            },
        });
        return await officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"p-{Guid.NewGuid():N}", WarningId = draft.Id });
    }

    [Fact]
    public async Task One_trace_spans_the_publish_call_to_every_channel_gateway()
    {
        ActivityTraceId trace;
        Warning warning;
        using (var root = TestSource.StartActivity("test: publish a warning")!)
        {
            trace = root.TraceId;
            warning = await PublishAsync();
        }

        // The gRPC server span of the publish call is in the test's trace (the client sent its context)...
        await Eventually.Until(() => Task.FromResult(_spans.Snapshot().Where(s => s.TraceId == trace && s.Kind == ActivityKind.Server && s.DisplayName.Contains("EmergencyPublish", StringComparison.Ordinal)).ToList()),
            s => s.Count > 0, "the publish call's span");

        // ...and, in the same trace, the relay's publish, the fan-out's consumer (queue "dispatch", all channels), and the HTTP POST to each gateway.
        // Spans are exported when they end (a consumer's after its gateway call), so wait for all of them.
        static bool Consumed(IEnumerable<Activity> spans, string queue) =>
            spans.Any(s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer && s.DisplayName.StartsWith(queue + " ", StringComparison.Ordinal));
        var spans = await Eventually.Until(() => Task.FromResult(_spans.Snapshot().Where(s => s.TraceId == trace).ToList()),
            s => s.Count(x => x.Kind == ActivityKind.Client && GatewayPath(x) is "/sms" or "/website") >= 2
                && s.Any(x => x.Source.Name == "Warnings" && x.DisplayName == "outbox publish WarningPublished")
                && Consumed(s, "dispatch"),
            "the relay's publish, the fan-out's consumer and both gateway requests in the publish call's trace");

        Assert.Equal(["/sms", "/website"], spans.Where(s => s.Kind == ActivityKind.Client).Select(GatewayPath).Where(p => p is "/sms" or "/website").Distinct().Order());
        Assert.Contains(warning.Id, string.Concat(_gateway.Requests.Select(r => r.IdempotencyKey)));
    }

    [Fact]
    public async Task Metrics_show_the_counters_moving_after_a_publish()
    {
        double Count(string metrics, string series) =>
            Regex.Matches(metrics, $@"^{Regex.Escape(series)}(?:\{{[^}}]*\}})? ([0-9.e+]+)", RegexOptions.Multiline).Sum(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

        string before = await _platform.Http.GetStringAsync("/metrics");
        var warning = await PublishAsync();
        await Eventually.Until(() => Task.FromResult(_gateway.Requests.Count(r => r.IdempotencyKey.StartsWith(warning.Id, StringComparison.Ordinal))), n => n >= 2, "both deliveries");

        string after = await Eventually.Until(() => _platform.Http.GetStringAsync("/metrics"),
            // Request durations are recorded when a request ends, so a busy machine may show them a scrape later.
            m => Count(m, "warnings_deliveries_total") >= Count(before, "warnings_deliveries_total") + 2 && m.Contains("http_server_request_duration_seconds", StringComparison.Ordinal),
            "the delivery counter and request durations");
        Assert.True(Count(after, "warnings_events_committed_total") > Count(before, "warnings_events_committed_total"));
        Assert.Contains("event=\"WarningPublished\"", after);
        Assert.Contains("outcome=\"delivered\"", after);
        Assert.Contains("warnings_outbox_backlog", after);
        Assert.Contains("http_server_request_duration_seconds", after); // gRPC and HTTP latency
    }

    private static string? GatewayPath(Activity span) =>
        span.GetTagItem("url.full") is string url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : null;

    public async Task DisposeAsync()
    {
        await _platform.DisposeAsync();
        await _gateway.DisposeAsync();
        await _backplane.DisposeAsync();
    }

    /// <summary>The exporter adds from many threads; the test reads snapshots.</summary>
    private sealed class SpanList : System.Collections.ObjectModel.Collection<Activity>
    {
        private readonly Lock _gate = new();

        public List<Activity> Snapshot()
        {
            lock (_gate)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_gate)
            {
                base.InsertItem(index, item);
            }
        }
    }
}

/// <summary>The telemetry tests run alone (see <see cref="TelemetryTests"/>).</summary>
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryCollection;
