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
/// </summary>
public sealed class ChannelTrouble(DispatchOptions options, IClock clock, ILogger<ChannelTrouble> logger)
{
    // A channel in trouble: until when its deliveries go to its queue (during a probe: until the probe must have ended).
    private readonly ConcurrentDictionary<string, Instant> _until = new(StringComparer.Ordinal);

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

    /// <summary>The probe marked <paramref name="probe"/> was delivered: the channel is direct again (unless it has failed since).</summary>
    public void Recovered(string channel, Instant probe)
    {
        if (_until.TryRemove(new KeyValuePair<string, Instant>(channel, probe)))
        {
            logger.LogInformation("Channel {Channel} answers again; its deliveries are direct", channel);
        }
    }
}
