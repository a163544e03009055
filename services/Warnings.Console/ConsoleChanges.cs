using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warnings.Contracts.Delivery;
using Warnings.Core.Storage;
using Warnings.Issuing;
using Warnings.PublicationList.Storage;

namespace Warnings.DutyConsole;

/// <summary>One change an open console may care about: a warning's delivery records, or the list.</summary>
public sealed record ConsoleChange(string Kind, string Subject);

/// <summary>
/// Tells this process's open consoles what changed in any process, from the store's nudges: a
/// warning's delivery records (<see cref="DeliveryRecords.NudgeChannel"/>) and the publication list
/// (<see cref="ListRepository.NudgeChannel"/>). Each open console has a small queue; a slow one loses
/// the oldest nudges, never blocks the others (a nudge only says "read again").
/// </summary>
public sealed class ConsoleChanges(IStateStore store, ILogger<ConsoleChanges> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, Channel<ConsoleChange>> _listeners = new();

    /// <summary>A queue of the changes from now on; dispose the lease to stop listening.</summary>
    public (ChannelReader<ConsoleChange> Changes, IDisposable Lease) Listen()
    {
        var id = Guid.NewGuid();
        var channel = Channel.CreateBounded<ConsoleChange>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        _listeners[id] = channel;
        return (channel.Reader, new Lease(() => _listeners.TryRemove(id, out _)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.SubscribeAsync(DeliveryRecords.NudgeChannel, warningId => Tell(new ConsoleChange("delivery", warningId)));
                await store.SubscribeAsync(ListRepository.NudgeChannel, version => Tell(new ConsoleChange("list", version)));
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Cannot subscribe to delivery and list changes yet; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private void Tell(ConsoleChange change)
    {
        foreach (var listener in _listeners.Values)
        {
            listener.Writer.TryWrite(change);
        }
    }

    private sealed class Lease(Action end) : IDisposable
    {
        public void Dispose() => end();
    }
}
