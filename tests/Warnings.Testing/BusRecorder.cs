using System.Collections.Concurrent;
using MassTransit;
using Warnings.Contracts.Events;

namespace Warnings.Testing;

/// <summary>
/// Records the warning and incident events a platform's bus carries, on a temporary endpoint of its own (deleted
/// when the recorder is disposed), with their message ids, so tests can assert each arrived once.
/// </summary>
public sealed class BusRecorder : IAsyncDisposable
{
    private readonly ConcurrentQueue<(Guid? MessageId, object Message)> _received = new();
    private HostReceiveEndpointHandle _handle = null!;

    public IReadOnlyList<(Guid? MessageId, object Message)> Received => _received.ToArray();

    public static async Task<BusRecorder> ConnectAsync(IBus bus)
    {
        var recorder = new BusRecorder();
        recorder._handle = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, endpoint =>
        {
            endpoint.Handler<WarningPublished>(recorder.RecordAsync);
            endpoint.Handler<WarningUpdated>(recorder.RecordAsync);
            endpoint.Handler<WarningLifted>(recorder.RecordAsync);
            endpoint.Handler<WarningExpired>(recorder.RecordAsync);
            endpoint.Handler<IncidentReported>(recorder.RecordAsync);
            endpoint.Handler<IncidentReportCorrected>(recorder.RecordAsync);
            endpoint.Handler<IncidentEscalated>(recorder.RecordAsync);
            endpoint.Handler<ReportOverdue>(recorder.RecordAsync);
            endpoint.Handler<IncidentClosed>(recorder.RecordAsync);
        });
        await recorder._handle.Ready;
        return recorder;
    }

    /// <summary>Events of type <typeparamref name="T"/> about <paramref name="warningId"/> (a warning or incident id).</summary>
    public IReadOnlyList<T> Of<T>(string warningId) where T : class =>
        Received.Select(r => r.Message).OfType<T>().Where(m => WarningIdOf(m) == warningId).ToList();

    /// <summary>Every event about <paramref name="warningId"/>, in arrival order.</summary>
    public IReadOnlyList<object> About(string warningId) => Received.Select(r => r.Message).Where(m => WarningIdOf(m) == warningId).ToList();

    private static string? WarningIdOf(object message) => message switch
    {
        WarningPublished e => e.Version.WarningId,
        WarningUpdated e => e.Version.WarningId,
        WarningLifted e => e.Version.WarningId,
        WarningExpired e => e.Version.WarningId,
        IncidentReported e => e.IncidentId,
        IncidentReportCorrected e => e.IncidentId,
        IncidentEscalated e => e.IncidentId,
        ReportOverdue e => e.IncidentId,
        IncidentClosed e => e.IncidentId,
        _ => null,
    };

    private Task RecordAsync<T>(ConsumeContext<T> context) where T : class
    {
        _received.Enqueue((context.MessageId, context.Message));
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _handle.StopAsync();
}
