using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Warnings.Feeds.WebSub;
using Warnings.Testing;

namespace Warnings.Platform.Tests.Feeds;

/// <summary>
/// The WebSub hub on real RabbitMQ and Redis: a subscriber on loopback (allow-listed) subscribes to
/// a filtered Atom feed, confirms its intent, receives each change as the whole feed signed with its
/// secret, and nothing once its lease ran out (FakeClock); hostile or foreign requests answer 4xx
/// and store nothing.
/// </summary>
public sealed class WebSubTests(FeedFixture fixture) : IClassFixture<FeedFixture>
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    private WebSubSubscriptions Subscriptions => fixture.Platform.Services.GetRequiredService<WebSubSubscriptions>();

    private Task<HttpResponseMessage> HubAsync(params (string Name, string Value)[] fields) =>
        fixture.Platform.Http.PostAsync("/websub/hub", new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));

    private async Task<(string Topic, string Hub)> DiscoverAsync(string query)
    {
        using var response = await fixture.Platform.Http.GetAsync($"/feeds/cap.atom{query}");
        var feed = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        string self = feed.Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "self").Attribute("href")!.Value;
        string hub = feed.Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "hub").Attribute("href")!.Value;
        string link = response.Headers.GetValues("Link").Single();
        Assert.Contains($"<{hub}>; rel=\"hub\"", link, StringComparison.Ordinal);
        Assert.Contains($"<{self}>; rel=\"self\"", link, StringComparison.Ordinal);
        return (self, hub);
    }

    private async Task SubscribeAsync(string topic, string name, string lease, string secret = "")
    {
        using var response = await HubAsync(("hub.mode", "subscribe"), ("hub.topic", topic), ("hub.callback", $"{fixture.Callbacks.Url}/{name}"),
            ("hub.lease_seconds", lease), ("hub.secret", secret));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.Until(Subscriptions.AllAsync, all => all.Any(s => s.Callback.EndsWith($"/{name}", StringComparison.Ordinal)), $"subscription {name} stored");
    }

    [Fact]
    public async Task A_subscriber_receives_each_change_signed_until_its_lease_runs_out()
    {
        // The unfiltered and the filtered feed advertise the hub; the topic is the self link, spelled in any order.
        var (topic, hub) = await DiscoverAsync("?district=310114,310101&hazard=typhoon");
        Assert.EndsWith("/feeds/cap.atom?hazard=typhoon&district=310101,310114", topic, StringComparison.Ordinal);
        Assert.EndsWith("/websub/hub", hub, StringComparison.Ordinal);

        await SubscribeAsync(topic, "signed", lease: "600", secret: "s3cret-of-the-subscriber");
        var verification = fixture.Callbacks.Verifications.Single(v => v.Name == "signed");
        Assert.Equal(("subscribe", topic, "600"), (verification.Mode, verification.Topic, verification.LeaseSeconds));
        await SubscribeAsync(topic, "witness", lease: "864000");

        var first = await fixture.PublishAsync("typhoon", "red", ["310114"]);
        var signed = await Eventually.Until(() => Task.FromResult(fixture.Callbacks.To("signed")), d => d.Any(x => x.Text.Contains(first.Id, StringComparison.Ordinal)), "the signed distribution");
        var distribution = signed.First(x => x.Text.Contains(first.Id, StringComparison.Ordinal));
        string expected = $"sha256={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("s3cret-of-the-subscriber"), distribution.Body))}";
        Assert.Equal(expected, distribution.Signature);
        Assert.StartsWith("application/atom+xml", distribution.ContentType, StringComparison.Ordinal);
        Assert.Contains($"<{hub}>; rel=\"hub\"", distribution.Links);
        Assert.Contains($"<{topic}>; rel=\"self\"", distribution.Links);
        Assert.Equal(topic, XDocument.Parse(distribution.Text).Root!.Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "self").Attribute("href")!.Value);
        await Eventually.Until(() => Task.FromResult(fixture.Callbacks.To("witness")), d => d.Any(x => x.Text.Contains(first.Id, StringComparison.Ordinal) && x.Signature.Length == 0), "the unsigned distribution");

        // A warning outside the topic is no change to it.
        var elsewhere = await fixture.PublishAsync("heat", "red", ["310114"]);

        // The 600-second lease runs out; the witness (10 days) still gets the next change, the expired subscriber nothing.
        fixture.Clock.Advance(Duration.FromMinutes(11));
        var second = await fixture.PublishAsync("typhoon", "orange", ["310101"]);
        await Eventually.Until(() => Task.FromResult(fixture.Callbacks.To("witness")), d => d.Any(x => x.Text.Contains(second.Id, StringComparison.Ordinal)), "the witness's distribution");
        Assert.DoesNotContain(fixture.Callbacks.To("signed"), d => d.Text.Contains(second.Id, StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Callbacks.To("witness").Concat(fixture.Callbacks.To("signed")), d => d.Text.Contains(elsewhere.Id, StringComparison.Ordinal));
        await Eventually.Until(Subscriptions.AllAsync, all => all.All(s => !s.Callback.EndsWith("/signed", StringComparison.Ordinal)), "the expired subscription removed");
    }

    [Fact]
    public async Task Subscribing_again_renews_the_lease_and_unsubscribing_after_verification_removes_it()
    {
        var (topic, _) = await DiscoverAsync("?hazard=gale");
        await SubscribeAsync(topic, "renewed", lease: "120");
        var firstLease = (await Subscriptions.AllAsync()).Single(s => s.Callback.EndsWith("/renewed", StringComparison.Ordinal)).ExpiresAt;
        fixture.Clock.Advance(Duration.FromSeconds(60));
        using (var again = await HubAsync(("hub.mode", "subscribe"), ("hub.topic", topic), ("hub.callback", $"{fixture.Callbacks.Url}/renewed"), ("hub.lease_seconds", "120")))
        {
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        }

        var renewed = await Eventually.Until(Subscriptions.AllAsync, all => all.Any(s => s.Callback.EndsWith("/renewed", StringComparison.Ordinal) && s.ExpiresAt > firstLease), "the lease renewed");
        Assert.Single(renewed, s => s.Callback.EndsWith("/renewed", StringComparison.Ordinal));

        using (var unsubscribe = await HubAsync(("hub.mode", "unsubscribe"), ("hub.topic", topic), ("hub.callback", $"{fixture.Callbacks.Url}/renewed")))
        {
            Assert.Equal(HttpStatusCode.Accepted, unsubscribe.StatusCode);
        }

        await Eventually.Until(Subscriptions.AllAsync, all => all.All(s => !s.Callback.EndsWith("/renewed", StringComparison.Ordinal)), "the subscription removed");
        Assert.Contains(fixture.Callbacks.Verifications, v => v.Name == "renewed" && v.Mode == "unsubscribe" && v.LeaseSeconds.Length == 0);
    }

    [Fact]
    public async Task A_callback_that_does_not_confirm_is_not_subscribed()
    {
        var (topic, _) = await DiscoverAsync("");
        fixture.Callbacks.Refuse("unwilling");
        using var response = await HubAsync(("hub.mode", "subscribe"), ("hub.topic", topic), ("hub.callback", $"{fixture.Callbacks.Url}/unwilling"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.Until(() => Task.FromResult(fixture.Callbacks.Verifications), v => v.Any(x => x.Name == "unwilling"), "the verification GET");
        // The hub stores only after a confirmation, which never comes; a later subscription proves the verifier moved on.
        await SubscribeAsync(topic, "willing", lease: "300");
        Assert.DoesNotContain(await Subscriptions.AllAsync(), s => s.Callback.EndsWith("/unwilling", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Foreign_topics_and_hostile_requests_answer_4xx_and_store_nothing()
    {
        var (topic, _) = await DiscoverAsync("");
        string callback = $"{fixture.Callbacks.Url}/hostile";
        var before = (await Subscriptions.AllAsync()).Count;
        var cases = new List<(string What, HttpContent Content, HttpStatusCode Status)>
        {
            ("foreign host", Form(("hub.mode", "subscribe"), ("hub.topic", "https://example.com/feeds/cap.atom"), ("hub.callback", callback)), HttpStatusCode.BadRequest),
            ("another path", Form(("hub.mode", "subscribe"), ("hub.topic", topic.Replace("cap.atom", "other.atom", StringComparison.Ordinal)), ("hub.callback", callback)), HttpStatusCode.BadRequest),
            ("unknown filter", Form(("hub.mode", "subscribe"), ("hub.topic", topic + "?color=red"), ("hub.callback", callback)), HttpStatusCode.BadRequest),
            ("bad level", Form(("hub.mode", "subscribe"), ("hub.topic", topic + "?min_level=purple"), ("hub.callback", callback)), HttpStatusCode.BadRequest),
            ("bad mode", Form(("hub.mode", "publish"), ("hub.topic", topic), ("hub.callback", callback)), HttpStatusCode.BadRequest),
            ("twice", Form(("hub.mode", "subscribe"), ("hub.mode", "subscribe"), ("hub.topic", topic), ("hub.callback", callback)), HttpStatusCode.BadRequest),
            ("no callback", Form(("hub.mode", "subscribe"), ("hub.topic", topic)), HttpStatusCode.BadRequest),
            ("loopback callback", Form(("hub.mode", "subscribe"), ("hub.topic", topic), ("hub.callback", "http://127.0.0.1:9/x")), HttpStatusCode.BadRequest),
            ("metadata callback", Form(("hub.mode", "subscribe"), ("hub.topic", topic), ("hub.callback", "http://169.254.169.254/latest")), HttpStatusCode.BadRequest),
            ("ftp callback", Form(("hub.mode", "subscribe"), ("hub.topic", topic), ("hub.callback", "ftp://example.com/x")), HttpStatusCode.BadRequest),
            ("lease junk", Form(("hub.mode", "subscribe"), ("hub.topic", topic), ("hub.callback", callback), ("hub.lease_seconds", "-1")), HttpStatusCode.BadRequest),
            ("lease huge", Form(("hub.mode", "subscribe"), ("hub.topic", topic), ("hub.callback", callback), ("hub.lease_seconds", "99999999999999999999")), HttpStatusCode.BadRequest),
            ("secret 200 bytes", Form(("hub.mode", "subscribe"), ("hub.topic", topic), ("hub.callback", callback), ("hub.secret", new string('s', 200))), HttpStatusCode.BadRequest),
            ("json body", new StringContent("{\"hub.mode\":\"subscribe\"}", Encoding.UTF8, "application/json"), HttpStatusCode.UnsupportedMediaType),
            ("huge body", Form(("hub.mode", "subscribe"), ("hub.topic", topic), ("hub.callback", callback), ("padding", new string('p', 20_000))), HttpStatusCode.RequestEntityTooLarge),
        };
        foreach (var (what, content, status) in cases)
        {
            using var response = await fixture.Platform.Http.PostAsync("/websub/hub", content);
            Assert.True(status == response.StatusCode, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal(before, (await Subscriptions.AllAsync()).Count);
        Assert.DoesNotContain(fixture.Callbacks.Verifications, v => v.Name == "hostile");
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));
}
