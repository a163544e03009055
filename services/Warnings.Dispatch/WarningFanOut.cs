using MassTransit;
using Microsoft.Extensions.Logging;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Core.Telemetry;

namespace Warnings.Dispatch;

/// <summary>
/// The happy path of the channel fan-out: one receive (queue <c>dispatch</c>) per warning version,
/// delivering to every approved channel side by side with a single try each, instead of ten copies of
/// the message through ten queues (nine fewer persistent copies in the broker, deserialisations and
/// passes through the bus's receive pipeline per warning: docs/performance.md, fifth round).
/// <para>A broken channel's trouble stays its own: a channel whose try fails, or has not finished within
/// <see cref="DispatchOptions.HandOffAfter"/>, is handed to its own queue
/// (<see cref="ChannelDispatcher{TChannel}"/>: its retries, error queue and dead letters), and then
/// <see cref="ChannelTrouble"/> sends that channel's deliveries straight there, one probe per window.
/// A slow try is not cut off: it keeps its claim (a graceful stop waits for it,
/// <see cref="DirectAttempts"/>), and the handed-off copy finds it delivered (or, after a failure,
/// delivers it) under the same key. The message is acknowledged only once every channel is delivered
/// or handed off; a crash before that redelivers it, and the claims drop what was delivered.</para>
/// </summary>
public sealed class WarningFanOut(ChannelDeliverer deliverer, ChannelTrouble trouble, DirectAttempts detached, DispatchOptions options, ILogger<WarningFanOut> logger) :
    IConsumer<WarningPublished>, IConsumer<WarningUpdated>, IConsumer<WarningLifted>, IConsumer<WarningExpired>
{
    public Task Consume(ConsumeContext<WarningPublished> context) => FanOutAsync(context, context.Message.Version, "");

    public Task Consume(ConsumeContext<WarningUpdated> context) => FanOutAsync(context, context.Message.Version, context.Message.Note);

    public Task Consume(ConsumeContext<WarningLifted> context) => FanOutAsync(context, context.Message.Version, context.Message.Reason);

    public Task Consume(ConsumeContext<WarningExpired> context) => FanOutAsync(context, context.Message.Version with { Kind = "Expired" }, "");

    private sealed record Try(string Channel, ChannelRoute Route, Instant Probe, Task<(DeliveryOutcome Outcome, Exception? Error)> Attempt);

    private async Task FanOutAsync<T>(ConsumeContext<T> context, PublishedWarningVersion version, string note)
        where T : class
    {
        var handOff = new List<(string Channel, int AttemptsBefore)>();
        var direct = new List<(string Channel, ChannelRoute Route, Instant Probe)>();
        foreach (string channel in Channels.Names.Where(c => ChannelDeliverer.Concerns(c, version)))
        {
            var route = trouble.RouteFor(channel, out var probe);
            if (route == ChannelRoute.HandOff)
            {
                handOff.Add((channel, 0));
            }
            else
            {
                direct.Add((channel, route, probe));
            }
        }

        // Every direct channel claimed in one store step (a store that is away: the message waits it
        // out, unacknowledged, nothing sent yet).
        var claims = direct.Count > 0 ? await deliverer.ClaimAsync(direct.Select(d => d.Channel).ToList(), version) : [];
        var tries = direct.Select((d, i) => new Try(d.Channel, d.Route, d.Probe, AttemptAsync(d.Channel, version, note, claims[i]))).ToList();
        if (tries.Count > 0)
        {
            try
            {
                await Task.WhenAll(tries.Select(t => t.Attempt)).WaitAsync(options.HandOffAfter, context.CancellationToken);
            }
            catch (TimeoutException)
            {
                // Some channel is slow: handed off below.
            }
            finally
            {
                // A try still under way outlives this message (it is never cut off): a graceful stop waits for it.
                foreach (var slow in tries.Where(t => !t.Attempt.IsCompleted))
                {
                    detached.Track(slow.Attempt);
                }
            }

            // Shutting down: leave the message unacknowledged; its redelivery finds what was delivered.
            context.CancellationToken.ThrowIfCancellationRequested();
        }

        foreach (var (channel, route, probe, attempt) in tries)
        {
            if (!attempt.IsCompleted)
            {
                // Still at the gateway: it keeps going, and keeps its claim; the channel's queue takes over from here.
                trouble.Slow(channel, $"no answer within {options.HandOffAfter.TotalMilliseconds:0} ms");
                handOff.Add((channel, 1));
                continue;
            }

            var (outcome, error) = attempt.Result;
            switch (outcome)
            {
                case DeliveryOutcome.Failed:
                    trouble.HandOff(channel, error?.Message ?? "failed");
                    handOff.Add((channel, 1));
                    break;
                case DeliveryOutcome.InFlightElsewhere:
                    // Another copy is at the gateway: the channel's queue waits for it and drops this one once it is delivered.
                    handOff.Add((channel, 0));
                    break;
                case DeliveryOutcome.Delivered:
                    trouble.ReachedInTime(channel);
                    if (route == ChannelRoute.Probe)
                    {
                        trouble.Recovered(channel, probe);
                    }

                    break;
            }
        }

        foreach (var (channel, attemptsBefore) in handOff)
        {
            // The channel endpoint's own exchange (declared and bound to its queue by that endpoint, whatever its queue type).
            var queue = await context.GetSendEndpoint(new Uri($"exchange:dispatch-{channel}"));
            await queue.Send(context.Message, c => c.Headers.Set(ChannelDeliverer.AttemptsBeforeHeader, attemptsBefore), context.CancellationToken);
            PlatformTelemetry.Deliveries.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", "handed_off"));
        }
    }

    // One channel's single try (its claim already made), never throwing, never cancelled (bounded by
    // the client's timeout; a graceful stop waits for it).
    private async Task<(DeliveryOutcome, Exception?)> AttemptAsync(string channel, PublishedWarningVersion version, string note, ChannelDeliverer.Claim claim)
    {
        try
        {
            return await deliverer.DeliverClaimedAsync(channel, version, note, 1, withRetries: false, claim, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Only a success the store would not take for 10 minutes gets here: the copy retries it with the same key.
            logger.LogWarning("Delivery of {WarningId} v{Version} on {Channel} could not be recorded ({Error}); handed to its queue", version.WarningId, version.Version, channel, e.Message);
            return (DeliveryOutcome.Failed, e);
        }
    }
}
