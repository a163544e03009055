using MassTransit;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;

namespace Warnings.Issuing;

/// <summary>
/// Keeps, per warning version and channel, what dispatch reported: attempts, last error, delivered.
/// Receipts may arrive in any order and more than once: a delivered channel stays delivered, and the
/// attempt count only grows. Each update is a conditional commit on the value it read.
/// </summary>
public sealed class DeliveryReceipts(IStateStore store) :
    IConsumer<DeliveryAttempted>, IConsumer<DeliverySucceeded>, IConsumer<DeliveryFailed>
{
    private static readonly Google.Protobuf.JsonFormatter Json = new(Google.Protobuf.JsonFormatter.Settings.Default);

    /// <summary>The store channel that names a warning whenever one of its delivery records changed (open consoles follow it).</summary>
    public const string NudgeChannel = "delivery-status-changed";

    public static StoreKey Key(string warningId, int version, string channel) => new("delivery-status", $"{warningId}:v{version}:{channel}");

    public Task Consume(ConsumeContext<DeliveryAttempted> context) =>
        UpdateAsync(context.Message.WarningId, context.Message.Version, context.Message.Channel, d =>
        {
            d.Attempts = Math.Max(d.Attempts, context.Message.Attempt);
            d.Status = d.Status == "delivered" ? d.Status : "attempting";
        }, context.Message.At);

    public Task Consume(ConsumeContext<DeliverySucceeded> context) =>
        UpdateAsync(context.Message.WarningId, context.Message.Version, context.Message.Channel, d =>
        {
            d.Attempts = Math.Max(d.Attempts, context.Message.Attempts);
            d.Status = "delivered";
        }, context.Message.At);

    public Task Consume(ConsumeContext<DeliveryFailed> context) =>
        UpdateAsync(context.Message.WarningId, context.Message.Version, context.Message.Channel, d =>
        {
            d.Attempts = Math.Max(d.Attempts, context.Message.Attempt);
            d.LastError = context.Message.Error;
            d.Status = d.Status == "delivered" ? d.Status : "failed";
        }, context.Message.At);

    /// <summary>The recorded delivery of one channel, or null when nothing was heard yet.</summary>
    public static async Task<ChannelDelivery?> ReadAsync(IStateStore store, string warningId, int version, string channel) =>
        await store.GetAsync(Key(warningId, version, channel)) is { } json ? ChannelDelivery.Parser.ParseJson(json) : null;

    private async Task UpdateAsync(string warningId, int version, string channel, Action<ChannelDelivery> change, Instant at)
    {
        var key = Key(warningId, version, channel);
        for (int attempt = 0; attempt < 20; attempt++)
        {
            string? before = await store.GetAsync(key);
            var delivery = before is null ? new ChannelDelivery { Channel = channel, Status = "pending" } : ChannelDelivery.Parser.ParseJson(before);
            change(delivery);
            if (delivery.UpdatedAt is null || delivery.UpdatedAt.ToInstant() < at)
            {
                delivery.UpdatedAt = at.ToTimestamp();
            }

            if (await store.CommitAsync([new StoreCondition(key, before)], [new StoreWrite(key, Json.Format(delivery))]))
            {
                await store.PublishAsync(NudgeChannel, warningId);
                return;
            }
        }

        throw new InvalidOperationException($"Delivery status {key} kept changing; the message will be retried.");
    }
}
