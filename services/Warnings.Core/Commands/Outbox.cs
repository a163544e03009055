using System.Text.Json;
using NodaTime;
using Warnings.Core.Json;
using Warnings.Core.Storage;

namespace Warnings.Core.Commands;

/// <summary>
/// An event waiting in the outbox: its bus message id, type, JSON payload, when it was enqueued, and
/// the W3C trace context of the command that caused it, so the relay's publish continues that trace.
/// </summary>
public sealed record OutboxMessage(Guid MessageId, string MessageType, string Payload, Instant EnqueuedAt, string? TraceParent = null);

/// <summary>
/// The transactional outbox: events are appended to <c>outbox:pending</c> in the same atomic commit
/// as the state change that caused them (see <see cref="Commands"/>), and <see cref="OutboxRelay"/>
/// publishes them in order. An acknowledged command's events therefore reach the bus even if the
/// process dies right after the commit.
/// </summary>
public static class Outbox
{
    public static readonly StoreKey Pending = new("outbox", "pending");
    public static readonly StoreKey Dead = new("outbox", "dead");

    /// <summary>Says that the entry with this message id was parked in <see cref="Dead"/>, so it is parked once.</summary>
    public static StoreKey ParkedMarker(Guid messageId) => new("outbox-parked", messageId.ToString("N"));

    public static readonly StoreKey RelayLease = new("outbox", "relay-lease");

    /// <summary>A relay's name in <see cref="RelayLease"/>: machine, process id and a random part (one per relay).</summary>
    public static string NewRelayOwner() => $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    /// <summary>
    /// The process id in a name <see cref="NewRelayOwner"/> made, or null (the machine name may itself
    /// contain '-'; the random part does not, so the id is the second field from the end).
    /// </summary>
    public static int? RelayOwnerProcessId(string owner) =>
        owner.Split('-') is { Length: >= 3 } fields && int.TryParse(fields[^2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)
            ? pid
            : null;
    public const string NudgeChannel = "outbox";

    /// <summary>Where a relay that stops says its lease is free, so another takes over at once.</summary>
    public const string LeaseFreedChannel = "outbox-lease-freed";

    /// <summary>The commit write that enqueues <paramref name="message"/> with bus message id <paramref name="messageId"/>.</summary>
    public static StoreWrite Enqueue(object message, Guid messageId, Instant at)
    {
        var type = message.GetType();
        var entry = new OutboxMessage(messageId, $"{type.FullName}, {type.Assembly.GetName().Name}", JsonSerializer.Serialize(message, type, PlatformJson.Options), at,
            System.Diagnostics.Activity.Current?.Id);
        return StoreWrite.Append(Pending, JsonSerializer.Serialize(entry, PlatformJson.Options));
    }
}
