using System.Diagnostics;
using System.Diagnostics.Metrics;
using NodaTime;
using Warnings.Contracts.Events;

namespace Warnings.Core.Telemetry;

/// <summary>
/// The platform's own traces and metrics (OpenTelemetry names both "Warnings"): the spans that link
/// a call to the events it caused (the outbox relay's publish), and the counters operators watch.
/// The host exports them (Prometheus at <c>/metrics</c>, OTLP when configured) alongside ASP.NET
/// Core, HttpClient, Redis and MassTransit instrumentation.
/// </summary>
public static class PlatformTelemetry
{
    public const string Name = "Warnings";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Events committed by commands, by type: WarningPublished / Updated / Lifted / Expired, IncidentReported...</summary>
    public static readonly Counter<long> EventsCommitted = Meter.CreateCounter<long>("warnings.events.committed", description: "Events committed with their state change, by event type (warnings published, updated, lifted, expired; reports; escalations)");

    /// <summary>Incident reports accepted, by kind and whether they were late (迟报).</summary>
    public static readonly Counter<long> ReportsReceived = Meter.CreateCounter<long>("warnings.reports.received", description: "Incident reports accepted, by kind and timeliness (late = 迟报)");

    /// <summary>Gateway deliveries by channel and outcome (delivered, failed).</summary>
    public static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("warnings.deliveries", description: "Channel gateway deliveries, by channel and outcome");

    /// <summary>Messages a consumer gave up on after its retries (parked in an error queue, listed as dead letters), by queue and type.</summary>
    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>("warnings.dead_letters", description: "Messages parked in an error queue after their retries, by queue and message type; see DispatchService.ListDeadLetters");

    public static readonly Counter<long> OutboxPublished = Meter.CreateCounter<long>("warnings.outbox.published", description: "Outbox entries published to the bus");

    private static long _outboxBacklog;
    private static double _outboxAgeSeconds;

    static PlatformTelemetry()
    {
        Meter.CreateObservableGauge("warnings.outbox.backlog", () => Interlocked.Read(ref _outboxBacklog), description: "Outbox entries waiting to be published, as the relay last saw");
        Meter.CreateObservableGauge("warnings.outbox.age", () => Volatile.Read(ref _outboxAgeSeconds), unit: "s", description: "How long the last published outbox entry waited");
    }

    public static void RecordOutboxBacklog(long entries) => Interlocked.Exchange(ref _outboxBacklog, entries);

    public static void RecordOutboxAge(Duration waited) => Volatile.Write(ref _outboxAgeSeconds, waited.TotalSeconds);

    /// <summary>Counts what a command committed (called once per committed command).</summary>
    public static void RecordCommitted(IReadOnlyList<object> events)
    {
        foreach (var e in events)
        {
            EventsCommitted.Add(1, new KeyValuePair<string, object?>("event", e.GetType().Name));
            if (e is IncidentReported report && report.Corrects == 0)
            {
                ReportsReceived.Add(1, new KeyValuePair<string, object?>("kind", report.Kind), new KeyValuePair<string, object?>("late", report.Late));
            }
        }
    }
}
