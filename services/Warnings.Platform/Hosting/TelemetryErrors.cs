using System.Diagnostics.Tracing;
using NodaTime;

namespace Warnings.Platform.Hosting;

/// <summary>
/// The OpenTelemetry SDK reports its own failures (an OTLP collector unreachable, an export timing
/// out) only on its EventSources, which nobody reads: telemetry then stops silently. This listens to
/// them and logs warnings and errors, at most one line a minute per kind of event.
/// </summary>
public sealed class TelemetryErrors(ILogger<TelemetryErrors> logger, IClock clock) : EventListener, IHostedService
{
    private readonly Dictionary<string, Instant> _lastLogged = [];

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name.StartsWith("OpenTelemetry-Exporter", StringComparison.Ordinal))
        {
            EnableEvents(source, EventLevel.Warning);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        // Events can arrive while the base constructor runs, before the logger field is set.
        if (logger is null || clock is null || e.Level > EventLevel.Warning)
        {
            return;
        }

        string kind = $"{e.EventSource.Name}/{e.EventId}";
        lock (_lastLogged)
        {
            var now = clock.GetCurrentInstant();
            if (_lastLogged.TryGetValue(kind, out var last) && now - last < Duration.FromMinutes(1))
            {
                return;
            }

            _lastLogged[kind] = now;
        }

        string message = e.Message is { } format && e.Payload is { Count: > 0 } payload
            ? SafeFormat(format, payload)
            : e.Message ?? e.EventName ?? kind;
        logger.LogWarning("Telemetry: {Source} {Message}", e.EventSource.Name, message);
    }

    private static string SafeFormat(string format, IReadOnlyCollection<object?> payload)
    {
        try
        {
            return string.Format(System.Globalization.CultureInfo.InvariantCulture, format, [.. payload]);
        }
        catch (FormatException)
        {
            return $"{format} ({string.Join(", ", payload)})";
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
