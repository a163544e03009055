using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NodaTime;
using Warnings.Core.Json;
using Warnings.Core.Storage;
using Warnings.Feeds.Feed;

namespace Warnings.Feeds.WebSub;

/// <summary>A verified WebSub subscription: one callback on one topic until its lease runs out.</summary>
/// <param name="TopicUrl">The topic as the subscriber gave it (echoed in the <c>Link rel="self"</c> of each distribution).</param>
/// <param name="BaseUrl">The base of the hub's links when it was subscribed.</param>
/// <param name="Secret">The HMAC key of <c>X-Hub-Signature</c>; empty: distributions are not signed.</param>
public sealed record WebSubSubscription(string Id, string TopicUrl, FeedTopic Topic, string BaseUrl, string Callback, string Secret, Instant SubscribedAt, Instant ExpiresAt)
{
    public bool IsLive(Instant now) => now < ExpiresAt;
}

/// <summary>
/// The hub's subscriptions in the platform store: each at <c>websub-subscription:{id}</c>, their ids
/// in one index document (<c>websub-index:all</c>), so the bound on their number is checked and the
/// index written in the same atomic step. The id is derived from the topic (canonical) and the
/// callback, so subscribing again renews the same subscription (WebSub keys them that way).
/// </summary>
public sealed class WebSubSubscriptions(IStateStore store)
{
    private static readonly StoreKey Index = new("websub-index", "all");

    private static StoreKey Key(string id) => new("websub-subscription", id);

    public static string IdOf(FeedTopic topic, string baseUrl, Uri callback) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{topic.Url(baseUrl)}\n{callback.AbsoluteUri}")))[..32];

    public async Task<IReadOnlyList<WebSubSubscription>> AllAsync()
    {
        var all = new List<WebSubSubscription>();
        foreach (var id in Ids(await store.GetAsync(Index)))
        {
            if (await store.GetAsync(Key(id)) is { } json)
            {
                all.Add(JsonSerializer.Deserialize<WebSubSubscription>(json, PlatformJson.Options)!);
            }
        }

        return all;
    }

    /// <summary>True when a new subscription would fit, or <paramref name="id"/> is one already (a renewal).</summary>
    public async Task<bool> HasRoomForAsync(string id, int max)
    {
        var ids = Ids(await store.GetAsync(Index));
        return ids.Count < max || ids.Contains(id);
    }

    /// <summary>Stores (or renews) <paramref name="subscription"/>; false when it is new and the hub already has <paramref name="max"/>.</summary>
    public async Task<bool> SaveAsync(WebSubSubscription subscription, int max)
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            string? json = await store.GetAsync(Index);
            var ids = Ids(json);
            if (!ids.Contains(subscription.Id))
            {
                if (ids.Count >= max)
                {
                    return false;
                }

                ids.Add(subscription.Id);
            }

            if (await store.CommitAsync(
                [new StoreCondition(Index, json)],
                [new StoreWrite(Index, JsonSerializer.Serialize(ids)), new StoreWrite(Key(subscription.Id), JsonSerializer.Serialize(subscription, PlatformJson.Options))]))
            {
                return true;
            }
        }

        throw new InvalidOperationException("The WebSub subscription index kept changing; try again.");
    }

    /// <summary>Removes the subscription (unsubscribed, lease over, or the subscriber answered 410 Gone).</summary>
    public async Task RemoveAsync(string id)
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            string? json = await store.GetAsync(Index);
            var ids = Ids(json);
            if (!ids.Remove(id))
            {
                await store.DeleteAsync(Key(id));
                return;
            }

            if (await store.CommitAsync([new StoreCondition(Index, json)], [new StoreWrite(Index, JsonSerializer.Serialize(ids))]))
            {
                await store.DeleteAsync(Key(id));
                return;
            }
        }

        throw new InvalidOperationException("The WebSub subscription index kept changing; try again.");
    }

    private static List<string> Ids(string? json) => json is null ? [] : JsonSerializer.Deserialize<List<string>>(json) ?? [];
}
