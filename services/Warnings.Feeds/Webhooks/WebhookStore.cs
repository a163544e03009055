using Warnings.Contracts.V1;
using Warnings.Core.Storage;

namespace Warnings.Feeds.Webhooks;

/// <summary>
/// Webhooks as documents (<c>webhook:{id}</c>, listed in <c>webhook-index</c>), each with its
/// delivery position and failure count; the secret is kept apart (<c>webhook-secret:{id}</c>) so that
/// no read of a webhook can hand it out.
/// </summary>
public sealed class WebhookStore(IStateStore store) : ProtoDocuments<Webhook>(store, "webhook")
{
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Deleted = "deleted";

    /// <summary>Nudged when a webhook is registered or resumed, so delivery starts without waiting for the next scan.</summary>
    public const string NudgeChannel = "webhooks";

    public static StoreKey SecretKey(string id) => new("webhook-secret", id);

    public Task<string?> SecretAsync(string id) => Store.GetAsync(SecretKey(id));
}
