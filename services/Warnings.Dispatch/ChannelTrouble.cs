using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Warnings.Dispatch;

/// <summary>How the fan-out takes a channel's delivery: itself, itself as the one probe of a channel in trouble, or not at all (its queue does).</summary>
public enum ChannelRoute
{
    Direct,
    Probe,
    HandOff,
}

/// <summary>
/// Which channels the fan-out hands straight to their own queues, and until when. A failed or slow
/// attempt starts (or extends) a window of <see cref="DispatchOptions.HandOffFor"/>; once it is over,
/// exactly one delivery probes the channel directly (the others keep handing off meanwhile): if the
/// probe is delivered the channel is direct again, if it fails or is slow a new window starts. So a
/// broken gateway costs the fan-out one attempt per window, not one per warning.
/// <para>A slow try of a channel this process has not yet reached in time is not held against the
/// channel (<see cref="Slow"/>): the first tries of a fresh instance pay their connections' set-up and
/// the code's first compilation, and an instance started under load (a fail-over, a deploy) put every
/// channel in trouble from its own start-up. That grace ends at the channel's first answer in time, or
/// <see cref="ColdGraceHandOffs"/> hand-off delays after its first slow try, whichever comes first, so
/// a gateway that hangs from the start gets its window after that.</para>
/// </summary>
public sealed class ChannelTrouble(DispatchOptions options, IClock clock, ILogger<ChannelTrouble> logger)
{
    /// <summary>How long, in <see cref="DispatchOptions.HandOffAfter"/>s, a channel not yet reached in time is spared a window for being slow.</summary>
    public const int ColdGraceHandOffs = 10;

    // A channel in trouble: until when its deliveries go to its queue (during a probe: until the probe must have ended).
    private readonly ConcurrentDictionary<string, Instant> _until = new(StringComparer.Ordinal);

    // Channels a direct try of this process has reached within HandOffAfter.
    private readonly ConcurrentDictionary<string, bool> _reachedInTime = new(StringComparer.Ordinal);

    // When a channel not yet reached in time was first slow.
    private readonly ConcurrentDictionary<string, Instant> _firstSlowWhileCold = new(StringComparer.Ordinal);

    /// <summary>The route for one delivery on <paramref name="channel"/>; a probe gets its <paramref name="probe"/> mark for <see cref="Recovered"/>.</summary>
    public ChannelRoute RouteFor(string channel, out Instant probe)
    {
        probe = default;
        if (!_until.TryGetValue(channel, out var until))
        {
            return ChannelRoute.Direct;
        }

        var now = clock.GetCurrentInstant();
        if (now < until)
        {
            return ChannelRoute.HandOff;
        }

        // The window is over: the first to get here probes, for at most as long as an attempt may take before it is handed off.
        probe = now + Duration.FromTimeSpan(options.HandOffAfter);
        return _until.TryUpdate(channel, probe, until) ? ChannelRoute.Probe : ChannelRoute.HandOff;
    }

    // Whether deliveries on the channel go to its queue right now (no probe is taken).
    private bool IsHandingOff(string channel) => _until.TryGetValue(channel, out var until) && clock.GetCurrentInstant() < until;

    /// <summary>A failed or slow attempt: the channel's deliveries go to its queue for the next <see cref="DispatchOptions.HandOffFor"/>.</summary>
    public void HandOff(string channel, string why)
    {
        bool already = IsHandingOff(channel);
        var until = clock.GetCurrentInstant() + Duration.FromTimeSpan(options.HandOffFor);
        _until[channel] = until;
        if (!already)
        {
            logger.LogWarning("Channel {Channel} is handed to its own queue until {Until} ({Why})", channel, until, why);
        }
    }

    /// <summary>
    /// A try that has not answered within <see cref="DispatchOptions.HandOffAfter"/> (its delivery goes to
    /// the channel's queue either way): the window starts as for a failure, unless the channel has not
    /// been reached in time by this process yet and its grace is not over.
    /// </summary>
    public void Slow(string channel, string why)
    {
        if (!_reachedInTime.ContainsKey(channel))
        {
            var now = clock.GetCurrentInstant();
            var since = _firstSlowWhileCold.GetOrAdd(channel, now);
            if (now < since + Duration.FromTimeSpan(options.HandOffAfter) * ColdGraceHandOffs)
            {
                if (since == now)
                {
                    logger.LogInformation("Channel {Channel} was slow before this instance first reached it in time ({Why}); not counted as trouble while it warms up", channel, why);
                }

                return;
            }
        }

        HandOff(channel, why);
    }

    /// <summary>A direct try of <paramref name="channel"/> was delivered within <see cref="DispatchOptions.HandOffAfter"/>: from now on slowness counts.</summary>
    public void ReachedInTime(string channel) => _reachedInTime.TryAdd(channel, true);

    /// <summary>The probe marked <paramref name="probe"/> was delivered: the channel is direct again (unless it has failed since).</summary>
    public void Recovered(string channel, Instant probe)
    {
        if (_until.TryRemove(new KeyValuePair<string, Instant>(channel, probe)))
        {
            logger.LogInformation("Channel {Channel} answers again; its deliveries are direct", channel);
        }
    }
}
