using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Logging;
using NodaTime;
using Warnings.Contracts.Events;

namespace Warnings.Dispatch;

/// <summary>
/// The happy path of the channel fan-out: one receive (queue <c>dispatch</c>) per warning version,
/// delivering to every approved channel side by side, instead of ten copies of the message through
/// ten queues (nine fewer persistent copies in the broker, deserialisations and passes through the
/// bus's receive pipeline per warning; measured in docs/performance.md).
/// <para>A broken channel's trouble stays its own: a channel whose attempt fails, or has not finished
/// within <see cref="DispatchOptions.HandOffAfter"/>, is handed to its own queue
/// (<see cref="ChannelDispatcher{TChannel}"/>: its retries, error queue and dead letters), and for
/// <see cref="DispatchOptions.HandOffFor"/> afterwards that channel's deliveries go straight to its
/// queue, so the other channels' deliveries neither wait for it nor lose their place in line. A slow
/// attempt is not cut off: it keeps its claim, and the handed-off copy finds it delivered (or, after a
/// failure, delivers it) with the same key. The message is acknowledged only once every channel is
/// delivered or handed off; a crash before that redelivers it, and the claims drop what was delivered.</para>
/// </summary>
public sealed class WarningFanOut(ChannelDeliverer delivery, ChannelTrouble trouble, DispatchOptions options, ILogger<WarningFanOut> logger) :
    IConsumer<WarningPublished>, IConsumer<WarningUpdated>, IConsumer<WarningLifted>, IConsumer<WarningExpired>
{
    public Task Consume(ConsumeContext<WarningPublished> context) => FanOutAsync(context, context.Message.Version, "");

    public Task Consume(ConsumeContext<WarningUpdated> context) => FanOutAsync(context, context.Message.Version, context.Message.Note);

    public Task Consume(ConsumeContext<WarningLifted> context) => FanOutAsync(context, context.Message.Version, context.Message.Reason);

    public Task Consume(ConsumeContext<WarningExpired> context) => FanOutAsync(context, context.Message.Version with { Kind = "Expired" }, "");

    private async Task FanOutAsync<T>(ConsumeContext<T> context, PublishedWarningVersion version, string note)
        where T : class
    {
        var handOff = new List<(string Channel, int AttemptsBefore)>();
        var attempts = new List<(string Channel, Task<(DeliveryOutcome Outcome, Exception? Error)> Attempt)>();
        foreach (string channel in Channels.Names.Where(c => ChannelDeliverer.Concerns(c, version)))
        {
            if (trouble.IsHandingOff(channel))
            {
                handOff.Add((channel, 0));
            }
            else
            {
                attempts.Add((channel, AttemptAsync(channel, version, note, context.CancellationToken)));
            }
        }

        if (attempts.Count > 0)
        {
            try
            {
                // Shutting down cancels the wait and leaves the message unacknowledged: its redelivery finds what was delivered.
                await Task.WhenAll(attempts.Select(a => a.Attempt)).WaitAsync(options.HandOffAfter, context.CancellationToken);
            }
            catch (TimeoutException)
            {
                // Some channel is slow: handed off below.
            }
        }

        foreach (var (channel, attempt) in attempts)
        {
            if (!attempt.IsCompleted)
            {
                // Still at the gateway: it keeps going (and its claim); the channel's queue takes over from here.
                trouble.HandOff(channel, "slower than " + options.HandOffAfter.TotalSeconds + " s");
                handOff.Add((channel, 1));
                continue;
            }

            var (outcome, error) = attempt.Result;
            if (outcome == DeliveryOutcome.Failed)
            {
                trouble.HandOff(channel, error?.Message ?? "failed");
                handOff.Add((channel, 1));
            }
            else if (outcome == DeliveryOutcome.InFlightElsewhere)
            {
                // Another copy is at the gateway: the channel's queue waits for it and drops this one once it is delivered.
                handOff.Add((channel, 0));
            }
        }

        foreach (var (channel, attemptsBefore) in handOff)
        {
            var queue = await context.GetSendEndpoint(new Uri($"queue:dispatch-{channel}"));
            await queue.Send(context.Message, c => c.Headers.Set(ChannelDeliverer.AttemptsBeforeHeader, attemptsBefore), context.CancellationToken);
        }
    }

    // One channel's attempt, never throwing: a store that is away at the claim is a failure the
    // channel's queue retries like any other (its outage retry waits the store out).
    private async Task<(DeliveryOutcome, Exception?)> AttemptAsync(string channel, PublishedWarningVersion version, string note, CancellationToken cancellationToken)
    {
        try
        {
            return await delivery.DeliverAsync(channel, version, note, 1, cancellationToken);
        }
        catch (Exception e)
        {
            logger.LogWarning("Delivery of {WarningId} v{Version} on {Channel} handed to its queue ({Error})", version.WarningId, version.Version, channel, e.Message);
            return (DeliveryOutcome.Failed, e);
        }
    }
}

/// <summary>
/// Which channels the fan-out hands straight to their own queues, and until when: each failure or slow
/// attempt starts (or extends) a window of <see cref="DispatchOptions.HandOffFor"/>; the first warning
/// after it tries the channel directly again.
/// </summary>
public sealed class ChannelTrouble(DispatchOptions options, IClock clock, ILogger<ChannelTrouble> logger)
{
    private readonly ConcurrentDictionary<string, Instant> _handingOffUntil = new(StringComparer.Ordinal);

    public bool IsHandingOff(string channel) => _handingOffUntil.TryGetValue(channel, out var until) && clock.GetCurrentInstant() < until;

    public void HandOff(string channel, string why)
    {
        bool already = IsHandingOff(channel);
        var until = clock.GetCurrentInstant() + Duration.FromTimeSpan(options.HandOffFor);
        _handingOffUntil[channel] = until;
        if (!already)
        {
            logger.LogWarning("Channel {Channel} is handed to its own queue until {Until} ({Why})", channel, until, why);
        }
    }
}
