using Microsoft.Extensions.Logging;
using Warnings.Dispatch.Rendering;

namespace Warnings.Dispatch.Gateways;

/// <summary>The embedded default: logs what the channel would send, for channels with no gateway URL.</summary>
public sealed class LoggingGateway(ILogger<LoggingGateway> logger) : IChannelGateway
{
    public Task DeliverAsync(RenderedMessage message, string idempotencyKey, CancellationToken cancellationToken)
    {
        logger.LogInformation("[{Channel}] {Key} -> {Targets}: {Parts}", message.Channel, idempotencyKey, string.Join(",", message.Targets),
            string.Join(" | ", message.Parts.Select(p => $"{p.Key}: {string.Join(" / ", p.Value)}")));
        return Task.CompletedTask;
    }
}
