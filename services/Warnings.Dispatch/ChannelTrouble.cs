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
/// <para>One grace per process (<see cref="Slow"/>): a fresh instance's first tries pay their
/// connections' set-up and the code's first compilation, and an instance started under load (a
/// fail-over, a deploy) put every channel in trouble from its own start-up. So for
/// <see cref="StartupGraceHandOffs"/> hand-off delays from this process's first slow try, a slow try of
/// a channel it has not yet reached in time, that has had no window and no failure here, opens no
/// window (its delivery is still handed off). During that period a gateway that hangs from the start
/// holds each fan-out for <see cref="DispatchOptions.HandOffAfter"/>, not once per window; then it gets
/// its window as any other.</para>
/// </summary>
public sealed class ChannelTrouble(DispatchOptions options, IClock clock, ILogger<ChannelTrouble> logger)
{
    /// <summary>How long the start-up grace lasts, in <see cref="DispatchOptions.HandOffAfter"/>s from this process's first slow try.</summary>
    public const int StartupGraceHandOffs = 10;

    // A channel in trouble: until when its deliveries go to its queue (during a probe: until the probe must have ended).
    private readonly ConcurrentDictionary<string, Instant> _until = new(StringComparer.Ordinal);

    // Channels whose slowness counts: reached in time by a direct try, or put in a window, here.
    private readonly ConcurrentDictionary<string, bool> _judged = new(StringComparer.Ordinal);

    // This process's first slow try (the start of its grace); set once.
    private Instant? _firstSlow;
    private readonly Lock _firstSlowGate = new();

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
        _judged.TryAdd(channel, true);
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
    /// the channel's queue either way): the window starts as for a failure, unless the process's
    /// start-up grace covers it (see the class).
    /// </summary>
    public void Slow(string channel, string why)
    {
        // Every window starts in HandOff, which judges the channel: a channel with a window or a probe is judged.
        if (!_judged.ContainsKey(channel) && InStartupGrace(out bool first))
        {
            if (first)
            {
                logger.LogInformation("Channel {Channel} was slow before this instance first reached it in time ({Why}); for the next {Seconds:0.#} s slowness of channels not yet reached in time is not counted as trouble", channel, why, (options.HandOffAfter * StartupGraceHandOffs).TotalSeconds);
            }

            return;
        }

        HandOff(channel, why);
    }

    private bool InStartupGrace(out bool first)
    {
        var now = clock.GetCurrentInstant();
        lock (_firstSlowGate)
        {
            first = _firstSlow is null;
            _firstSlow ??= now;
            return now < _firstSlow.Value + Duration.FromTimeSpan(options.HandOffAfter) * StartupGraceHandOffs;
        }
    }

    /// <summary>A direct try of <paramref name="channel"/> was delivered within <see cref="DispatchOptions.HandOffAfter"/>: from now on its slowness counts.</summary>
    public void ReachedInTime(string channel) => _judged.TryAdd(channel, true);

    /// <summary>The probe marked <paramref name="probe"/> was delivered: the channel is direct again (unless it has failed since).</summary>
    public void Recovered(string channel, Instant probe)
    {
        if (_until.TryRemove(new KeyValuePair<string, Instant>(channel, probe)))
        {
            logger.LogInformation("Channel {Channel} answers again; its deliveries are direct", channel);
        }
    }
}
