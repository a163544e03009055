using Warnings.Contracts.V1;
using Warnings.Feeds.Feed;
using Warnings.Core.Identity;

namespace Warnings.Feeds.Webhooks;

/// <summary>
/// A webhook acts for its partner as the partner is now, not as it was at registration: before each
/// batch of deliveries the partner's API keys are read again. With no usable key left (all revoked
/// or expired) the webhook is suspended; otherwise each entry must also fall within the current
/// entitlement of the partner's usable keys (their union), so a narrowed entitlement narrows the
/// webhook at once. A partner known only by bearer tokens (no keys here) keeps the filter it
/// registered with: the city's SSO, not this platform, ends such a partner.
/// </summary>
public sealed class PartnerStanding(ApiKeyRegistry keys)
{
    /// <summary>The partner's standing now: null when it has keys but none it may use.</summary>
    public async Task<Standing?> CheckAsync(string partnerId)
    {
        var all = await keys.KeysOfAsync(partnerId);
        if (all.Count == 0)
        {
            return new Standing(null);
        }

        var usable = all.Where(keys.IsUsable).Select(k => k.ToPrincipal()).Where(p => p.HasRole(Roles.Partner)).ToList();
        return usable.Count == 0 ? null : new Standing(usable);
    }

    /// <summary>The principals of the partner's usable keys; null: no keys here (a token-only partner).</summary>
    public sealed record Standing(IReadOnlyList<PlatformPrincipal>? Principals)
    {
        public bool Allows(FeedEntry entry) =>
            Principals is null || Principals.Any(p => p.MayReceive(entry.Hazard, entry.Level, entry.Districts));
    }
}
