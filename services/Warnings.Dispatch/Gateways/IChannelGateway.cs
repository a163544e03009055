using Warnings.Dispatch.Rendering;

namespace Warnings.Dispatch.Gateways;

/// <summary>Where a channel hands its rendered message over (an SMS centre, a broadcaster's API...).</summary>
public interface IChannelGateway
{
    /// <summary>
    /// Delivers <paramref name="message"/>; throws when the gateway refuses or does not answer.
    /// The same <paramref name="idempotencyKey"/> is sent on every retry of one warning version,
    /// so a gateway that saw it already can drop the repeat.
    /// </summary>
    Task DeliverAsync(RenderedMessage message, string idempotencyKey, CancellationToken cancellationToken);
}
