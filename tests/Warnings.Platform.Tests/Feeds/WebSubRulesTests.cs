using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using NodaTime;
using NodaTime.Testing;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;
using Warnings.Feeds;
using Warnings.Feeds.Feed;
using Warnings.Feeds.Webhooks;
using Warnings.Feeds.WebSub;

namespace Warnings.Platform.Tests.Feeds;

/// <summary>The all-clear window, feed topics, hub requests and the subscription bound on their own (no platform).</summary>
public sealed class WebSubRulesTests
{
    private const string Base = "https://warnings.example:8443";
    private static readonly Instant T0 = Instant.FromUtc(2026, 7, 1, 8, 0);
    private static readonly Duration Day = Duration.FromHours(24);

    private static FeedEntry Entry(FeedMessageKind kind, Instant published, Instant expires) =>
        new(kind, "id", "w1", 1, "typhoon", "red", ["310101"], "h", published, expires, false, "");

    [Fact]
    public void A_lifted_entry_shows_from_its_Cancel_until_the_retention_ends()
    {
        var lift = Entry(FeedMessageKind.Lift, T0, T0 + Duration.FromHours(6));
        Assert.Equal(new AtomWindow.Shown(lift, T0, Ended: true), AtomWindow.At(lift, T0 + Duration.FromHours(23), Day));
        Assert.False(AtomWindow.At(lift, T0, Day)!.Expired);
        Assert.Null(AtomWindow.At(lift, T0 + Day, Day));
    }

    [Fact]
    public void An_entry_is_expired_by_the_clock_before_its_event_and_its_updated_is_the_expiry()
    {
        var publish = Entry(FeedMessageKind.Publish, T0, T0 + Duration.FromHours(6));
        Assert.Equal(new AtomWindow.Shown(publish, T0, Ended: false), AtomWindow.At(publish, T0 + Duration.FromHours(5), Day));
        var expired = AtomWindow.At(publish, T0 + Duration.FromHours(7), Day)!;
        Assert.True(expired.Expired);
        Assert.Equal(T0 + Duration.FromHours(6), expired.Updated);
        Assert.Equal(expired.Updated, AtomWindow.At(publish with { Kind = FeedMessageKind.Expire }, T0 + Duration.FromHours(7), Day)!.Updated);
        Assert.Null(AtomWindow.At(publish, T0 + Duration.FromHours(30), Day));
    }

    [Fact]
    public void The_feeds_updated_is_its_newest_entrys_or_the_last_change_when_empty()
    {
        var older = new AtomWindow.Shown(Entry(FeedMessageKind.Publish, T0, T0 + Day), T0, false);
        var newer = new AtomWindow.Shown(Entry(FeedMessageKind.Lift, T0 + Duration.FromHours(1), T0 + Day) with { WarningId = "w2" }, T0 + Duration.FromHours(1), true);
        var (entries, updated) = AtomWindow.Order([older, newer], T0 - Day);
        Assert.Equal([newer, older], entries);
        Assert.Equal(T0 + Duration.FromHours(1), updated);
        Assert.Equal(T0 - Day, AtomWindow.Order([], T0 - Day).Updated);
    }

    [Fact]
    public void A_topic_has_one_canonical_URL_whatever_the_spelling()
    {
        var a = FeedTopic.Parse(QueryHelpers.ParseQuery("?district=310114,310101&hazard=typhoon"), strict: true, out _)!;
        var b = FeedTopic.Parse(QueryHelpers.ParseQuery("?hazard=typhoon&district=310101&district=310114"), strict: true, out _)!;
        Assert.Equal(a, b);
        Assert.Equal($"{Base}/feeds/cap.atom?hazard=typhoon&district=310101,310114", a.Url(Base));
        Assert.Equal($"{Base}/feeds/cap.atom", FeedTopic.All.Url(Base));
        Assert.Null(FeedTopic.Parse(QueryHelpers.ParseQuery("?colour=red"), strict: true, out var unknown));
        Assert.Equal("colour", unknown!.Value.Field);
        Assert.NotNull(FeedTopic.Parse(QueryHelpers.ParseQuery("?colour=red"), strict: false, out _));
        Assert.Null(FeedTopic.Parse(QueryHelpers.ParseQuery("?min_level=red&min_level=blue"), strict: false, out _));
        Assert.Null(FeedTopic.Parse(QueryHelpers.ParseQuery("?hazard=" + string.Join(',', Enumerable.Range(0, 101))), strict: false, out _));
    }

    private static WebSubRequest? Parse(out Dictionary<string, string[]> errors, params (string Name, string Value)[] fields) =>
        WebSubRequest.Parse(
            fields.GroupBy(f => f.Name).ToDictionary(g => g.Key, g => new StringValues(g.Select(f => f.Value).ToArray())),
            Base, new WebSubOptions(), allowHttp: false, new WebhookDestinations([]), out errors);

    [Theory]
    [InlineData("", 86400)]
    [InlineData("10", 300)]
    [InlineData("3600", 3600)]
    [InlineData("999999999", 864000)]
    public void The_lease_is_brought_within_the_hubs_bounds(string requested, long granted)
    {
        var request = Parse(out var errors, ("hub.mode", "subscribe"), ("hub.topic", $"{Base}/feeds/cap.atom"), ("hub.callback", "https://partner.example/cb"), ("hub.lease_seconds", requested));
        Assert.Empty(errors);
        Assert.Equal(Duration.FromSeconds(granted), request!.Lease);
    }

    [Theory]
    [InlineData("hub.topic", "https://other.example/feeds/cap.atom")]
    [InlineData("hub.topic", "http://warnings.example:8443/feeds/cap.atom")]
    [InlineData("hub.topic", "https://warnings.example:8443/feeds/cap.atom#x")]
    [InlineData("hub.callback", "http://partner.example/cb")]
    [InlineData("hub.callback", "https://user:pw@partner.example/cb")]
    [InlineData("hub.callback", "https://10.0.0.8/cb")]
    [InlineData("hub.callback", "https://localhost/cb")]
    [InlineData("hub.secret", "199-bytes-is-the-most-but-this-is-two-hundred")]
    public void Hub_requests_outside_the_rules_are_refused_on_their_field(string field, string value)
    {
        var fields = new Dictionary<string, string>
        {
            ["hub.mode"] = "subscribe", ["hub.topic"] = $"{Base}/feeds/cap.atom", ["hub.callback"] = "https://partner.example/cb",
            [field] = field == "hub.secret" ? new string('密', 67) : value,
        };
        Assert.Null(Parse(out var errors, fields.Select(f => (f.Key, f.Value)).ToArray()));
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void A_secret_of_199_bytes_is_accepted()
    {
        var request = Parse(out _, ("hub.mode", "subscribe"), ("hub.topic", $"{Base}/feeds/cap.atom?min_level=orange"), ("hub.callback", "https://partner.example/cb"), ("hub.secret", new string('s', 199)));
        Assert.Equal(199, request!.Secret.Length);
        Assert.Equal("orange", request.Topic.MinLevel);
    }

    [Fact]
    public async Task The_number_of_subscriptions_is_bounded_and_renewals_still_fit()
    {
        var store = new InMemoryStateStore(Options.Create(new StoreOptions()), new FakeClock(T0));
        var subscriptions = new WebSubSubscriptions(store);
        WebSubSubscription Subscription(int i) => new($"s{i}", $"{Base}/feeds/cap.atom", FeedTopic.All, Base, $"https://partner.example/{i}", "", T0, T0 + Day);
        Assert.True(await subscriptions.SaveAsync(Subscription(1), max: 2));
        Assert.True(await subscriptions.SaveAsync(Subscription(2), max: 2));
        Assert.False(await subscriptions.SaveAsync(Subscription(3), max: 2));
        Assert.False(await subscriptions.HasRoomForAsync("s3", max: 2));
        Assert.True(await subscriptions.HasRoomForAsync("s1", max: 2));
        Assert.True(await subscriptions.SaveAsync(Subscription(1) with { ExpiresAt = T0 + Day + Day }, max: 2));
        await subscriptions.RemoveAsync("s2");
        Assert.True(await subscriptions.SaveAsync(Subscription(3), max: 2));
        Assert.Equal(["s1", "s3"], (await subscriptions.AllAsync()).Select(s => s.Id));
        Assert.Equal(T0 + Day + Day, (await subscriptions.AllAsync())[0].ExpiresAt);
    }
}
