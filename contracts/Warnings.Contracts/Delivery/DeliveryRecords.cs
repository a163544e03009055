using Warnings.Contracts.V1;

namespace Warnings.Contracts.Delivery;

/// <summary>
/// Where each channel's delivery of a warning version is recorded: a <see cref="ChannelDelivery"/> as
/// protobuf JSON, written only by the dispatch module (in the same store step that marks the delivery
/// done, so the record can never say less than the gateway saw) and read by whoever answers "where did
/// my warning get to" (<c>WarningService.GetDeliveryStatus</c>, the console). It replaced receipts sent
/// back over the bus, which cost a publish, a delivery and three store round trips per channel.
/// </summary>
public static class DeliveryRecords
{
    /// <summary>The store area of the records; the id is <see cref="Id"/>.</summary>
    public const string Area = "delivery-status";

    /// <summary>The store channel that names a warning whenever one of its records changed (open consoles follow it).</summary>
    public const string NudgeChannel = "delivery-status-changed";

    public static string Id(string warningId, int version, string channel) => $"{warningId}:v{version}:{channel}";

    /// <summary>What a channel shows before dispatch has written anything.</summary>
    public static ChannelDelivery Pending(string channel) => new() { Channel = channel, Status = "pending" };
}
