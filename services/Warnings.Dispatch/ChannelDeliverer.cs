using Microsoft.Extensions.Logging;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Core.Storage;
using Warnings.Core.Telemetry;
using Warnings.Dispatch.Rendering;

namespace Warnings.Dispatch;

/// <summary>What one attempt at one channel's delivery came to.</summary>
public enum DeliveryOutcome
{
    /// <summary>The gateway accepted it, and that is recorded.</summary>
    Delivered,

    /// <summary>It had been delivered before (a copy of the message, a redelivery): nothing was sent.</summary>
    AlreadyDelivered,

    /// <summary>Another copy is at the gateway right now: nothing was sent; try again once it has finished.</summary>
    InFlightElsewhere,

    /// <summary>The gateway failed; the failure is recorded and the claim released, so a retry may send it.</summary>
    Failed,
}

/// <summary>
/// One channel's delivery of one warning version, effectively once across redeliveries, concurrent
/// copies (the fan-out's own attempt and the channel queue's), crashes and store outages:
/// <list type="number">
/// <item>the key is claimed atomically before the call (<see cref="IStateStore.ClaimManyOnceAsync"/>, several channels at once): a
/// key already delivered is dropped, and a key another copy is delivering right now is left to it;</item>
/// <item>the gateway is called with the key as <c>Idempotency-Key</c>;</item>
/// <item>success is recorded (and the claim dropped) with retries until it lands, so a store outage
/// after the call does not lead to a second call.</item>
/// </list>
/// Only a process killed between the call and the record leaves the outcome unknown: the claim
/// expires and the call is made again with the same <c>Idempotency-Key</c>, which the gateway must
/// honour. Each outcome, and each retry, is written to the channel's delivery record
/// (<see cref="DeliveryRecorder"/>); the success in the same store step that marks the key delivered.
/// A store that is away at the claim throws (the caller's retry waits it out; its claims are released when the store lets them be).
/// </summary>
public sealed class ChannelDeliverer(GatewayDirectory gateways, CellAreas cellAreas, IStateStore store, DeliveryRecorder records, IClock clock, ILogger<ChannelDeliverer> logger)
{
    /// <summary>Header of a message handed to a channel's own queue: the attempts already made before it got there.</summary>
    public const string AttemptsBeforeHeader = "Warnings-Dispatch-Attempts-Before";

    private static readonly Duration RememberDeliveries = Duration.FromDays(30);

    // Longer than one delivery attempt can take (the gateway client's total timeout is 20 s), so a
    // live claim is never taken over; a dead process's claim frees the key after this.
    private static readonly Duration ClaimLease = Duration.FromSeconds(30);

    // How long a recorded success is retried against a store that is away before giving up (the
    // claim then expires and the unknown outcome is retried with the same Idempotency-Key).
    private static readonly Duration RecordFor = Duration.FromMinutes(10);

    // Channels that show a warning until it ends take it down at expiry; broadcast channels do not announce expiry.
    private static readonly HashSet<string> ShowUntilEnd = ["website", "app_push", "social_media", "outdoor_screen"];

    /// <summary>Whether <paramref name="channel"/> has anything to deliver for this version: approved for it, and for an expiry a channel that shows warnings until they end.</summary>
    public static bool Concerns(string channel, PublishedWarningVersion version) =>
        version.Channels.Contains(channel) && (version.Kind != "Expired" || ShowUntilEnd.Contains(channel));

    /// <summary>The key the gateway sees as <c>Idempotency-Key</c>, and the store marks delivered.</summary>
    public static string KeyOf(PublishedWarningVersion version, string channel) => KeyOf(version.WarningId, version.Version, channel, version.Kind == "Expired");

    private static string KeyOf(string warningId, int version, string channel, bool expired) => $"{warningId}:v{version}:{channel}{(expired ? ":expired" : "")}";

    /// <summary>
    /// Attempt number <paramref name="attempt"/> (1: the first) at delivering <paramref name="version"/> on
    /// <paramref name="channel"/>; <paramref name="withRetries"/>: through the gateway client's retries and
    /// circuit breaker (the channel's queue), or a single try (the fan-out).
    /// </summary>
    public async Task<(DeliveryOutcome Outcome, Exception? Error)> DeliverAsync(string channel, PublishedWarningVersion version, string note, int attempt, bool withRetries, CancellationToken cancellationToken)
    {
        var claims = await ClaimAsync([channel], version);
        return await DeliverClaimedAsync(channel, version, note, attempt, withRetries, claims[0], cancellationToken);
    }

    // How many later versions of the warning a retry looks for before it sends an older one.
    private const int LaterVersionsChecked = 20;

    /// <summary>
    /// The latest version of the same warning delivered on <paramref name="channel"/> after
    /// <paramref name="version"/> (null: none of the next 20): a retry must not send an older version
    /// after it (a red alert after its lift). One read of 20 keys; asked by the channel's queue only,
    /// where a version can wait (retries) while a later one goes out.
    /// </summary>
    public async Task<int?> DeliveredLaterAsync(string channel, PublishedWarningVersion version)
    {
        var later = Enumerable.Range(version.Version + 1, LaterVersionsChecked).Select(v => DoneKey(KeyOf(version.WarningId, v, channel, expired: false))).ToList();
        var found = await store.GetManyAsync(later);
        for (int i = found.Count - 1; i >= 0; i--)
        {
            if (found[i] is not null)
            {
                return version.Version + 1 + i;
            }
        }

        return null;
    }

    /// <summary>
    /// Settles <paramref name="version"/> on <paramref name="channel"/> without calling the gateway, because
    /// <paramref name="laterVersion"/> was delivered there first: marked done (copies drop it) and recorded "superseded".
    /// </summary>
    public async Task SupersedeAsync(string channel, PublishedWarningVersion version, int laterVersion, int attempt)
    {
        await store.CompleteOnceAsync(DoneKey(version, channel), $"superseded by v{laterVersion}", RememberDeliveries);
        await records.RecordAsync(version.WarningId, version.Version, channel, "superseded", attempt, clock.GetCurrentInstant(), $"not sent: v{laterVersion} was delivered first");
        logger.LogWarning("{Key} not sent: v{Later} of the warning was delivered on {Channel} first", KeyOf(version, channel), laterVersion, channel);
    }

    /// <summary>A claim of one channel's delivery (<see cref="ClaimAsync"/>), with its owner for the release.</summary>
    public sealed record Claim(OnceClaim Found, string Owner);

    /// <summary>
    /// Claims the delivery of <paramref name="version"/> on each of <paramref name="channels"/> in one store
    /// step (reading each channel's delivery record with it); a store that is away throws.
    /// </summary>
    public async Task<IReadOnlyList<Claim>> ClaimAsync(IReadOnlyList<string> channels, PublishedWarningVersion version)
    {
        string owner = $"{Environment.ProcessId}:{Guid.NewGuid():N}";
        try
        {
            var found = await store.ClaimManyOnceAsync(
                channels.Select(c => new OnceRequest(DoneKey(version, c), DeliveryRecorder.Key(version.WarningId, version.Version, c))).ToList(), owner, ClaimLease);
            return found.Select(f => new Claim(f, owner)).ToList();
        }
        catch (Exception)
        {
            // The step may have landed with its answer lost (a client timeout): release what this owner
            // may hold, so the retry of the message finds the channels free, not held for the lease.
            await Task.WhenAll(channels.Select(c => ReleaseAsync(DoneKey(version, c), owner)));
            throw;
        }
    }

    private static StoreKey DoneKey(PublishedWarningVersion version, string channel) => DoneKey(KeyOf(version, channel));

    private static StoreKey DoneKey(string key) => new("delivered", key);

    /// <summary>The delivery <paramref name="claim"/> was made for (see <see cref="DeliverAsync"/>).</summary>
    public async Task<(DeliveryOutcome Outcome, Exception? Error)> DeliverClaimedAsync(string channel, PublishedWarningVersion version, string note, int attempt, bool withRetries, Claim claim, CancellationToken cancellationToken)
    {
        string key = KeyOf(version, channel);
        var delivered = DoneKey(key);
        if (claim.Found.Outcome == OnceOutcome.Done)
        {
            // Its record was written with the mark, in the same step: nothing is left to say.
            logger.LogInformation("{Key} already delivered; redelivery dropped", key);
            return (DeliveryOutcome.AlreadyDelivered, null);
        }

        if (claim.Found.Outcome == OnceOutcome.HeldElsewhere)
        {
            return (DeliveryOutcome.InFlightElsewhere, null);
        }

        var seen = new DeliveryRecorder.Seen(claim.Found.AlsoRead);
        if (attempt > 1)
        {
            // A first attempt is recorded by its outcome; a retry says it is trying again.
            seen = await records.RecordAsync(version.WarningId, version.Version, channel, "attempting", attempt, clock.GetCurrentInstant(), seen: seen);
        }

        try
        {
            var message = ChannelRenderer.Render(channel, version, note, cellAreas.ByDistrict);
            await gateways.For(channel, withRetries).DeliverAsync(message, key, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            PlatformTelemetry.Deliveries.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", "failed"));
            await RecordFailureAsync(version, channel, attempt, e.Message);
            await ReleaseAsync(delivered, claim.Owner);
            return (DeliveryOutcome.Failed, e);
        }

        await RecordDeliveredAsync(delivered, version, channel, attempt, seen);
        PlatformTelemetry.Deliveries.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", "delivered"));
        return (DeliveryOutcome.Delivered, null);
    }

    // Written while the claim is still held, so no copy can deliver and record in between and be
    // overwritten; the merge rules would keep "delivered" anyway. A store that is away loses only the
    // error text: the delivery is retried all the same.
    private async Task RecordFailureAsync(PublishedWarningVersion version, string channel, int attempt, string error)
    {
        try
        {
            await records.RecordAsync(version.WarningId, version.Version, channel, "failed", attempt, clock.GetCurrentInstant(), error);
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not record the failed delivery of {WarningId} v{Version} on {Channel} ({Error})", version.WarningId, version.Version, channel, e.Message);
        }
    }

    // The gateway accepted: this must land, or a redelivery would call the gateway again. Retried
    // through a store outage (not cut short by shutdown: the outcome is known only here).
    private async Task RecordDeliveredAsync(StoreKey delivered, PublishedWarningVersion version, string channel, int attempt, DeliveryRecorder.Seen? seen)
    {
        var until = clock.GetCurrentInstant() + RecordFor;
        var wait = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await records.RecordDeliveredAsync(delivered, version.WarningId, version.Version, channel, attempt, clock.GetCurrentInstant(), RememberDeliveries, seen);
                return;
            }
            catch (Exception e) when (clock.GetCurrentInstant() < until)
            {
                // The failed step may have landed: read the record again rather than trust the claim's copy.
                seen = null;
                logger.LogWarning("Could not record {Key} as delivered ({Error}); retrying in {Wait}", delivered.Id, e.Message, wait);
                await Task.Delay(wait);
                wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 2000));
            }
        }
    }

    private async Task ReleaseAsync(StoreKey delivered, string owner)
    {
        try
        {
            await store.ReleaseOnceAsync(delivered, owner);
        }
        catch (Exception e)
        {
            // The claim expires by itself; the retry waits for it.
            logger.LogWarning("Could not release the claim on {Key} ({Error})", delivered.Id, e.Message);
        }
    }
}
