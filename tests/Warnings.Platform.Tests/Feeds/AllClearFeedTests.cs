using System.Net;
using System.Xml.Linq;
using NodaTime;
using Warnings.Contracts.V1;
using Warnings.Testing;

namespace Warnings.Platform.Tests.Feeds;

/// <summary>
/// The all-clear in the Atom feed, on real RabbitMQ and Redis with a FakeClock: a lifted warning
/// stays as its Cancel and an expired one stays marked expired for <c>Feeds:AllClearRetention</c>
/// (24 hours here, the default), then leaves; entries' <c>updated</c> move only with their content.
/// </summary>
public sealed class AllClearFeedTests(FeedFixture fixture) : IClassFixture<FeedFixture>
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Cap = "urn:oasis:names:tc:emergency:cap:1.2";

    private async Task<XElement> FeedAsync(string query)
    {
        using var response = await fixture.Platform.Http.GetAsync($"/feeds/cap.atom{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
    }

    private static XElement? EntryOf(XElement feed, string warningId) =>
        feed.Elements(Atom + "entry").SingleOrDefault(e => e.Element(Atom + "id")!.Value.Contains($"-{warningId}-", StringComparison.Ordinal));

    private static string Status(XElement entry) =>
        entry.Elements(Atom + "category").Single(c => (string?)c.Attribute("scheme") == "urn:warnings:status").Attribute("term")!.Value;

    [Fact]
    public async Task A_lifted_warning_stays_in_the_feed_as_its_Cancel_until_the_retention_ends()
    {
        var warning = await fixture.PublishAsync("rainstorm", "orange", ["310112"]);
        var published = await Eventually.Until(() => FeedAsync("?district=310112"), f => EntryOf(f, warning.Id) is not null, "the warning in the Atom feed");
        string publishedUpdated = EntryOf(published, warning.Id)!.Element(Atom + "updated")!.Value;

        fixture.Clock.Advance(Duration.FromMinutes(10));
        await fixture.Officer.LiftAsync(new LiftRequest { RequestId = $"l-{Guid.NewGuid():N}", WarningId = warning.Id, Reason = "雨势减弱" });
        var lifted = await Eventually.Until(() => FeedAsync("?district=310112"), f => EntryOf(f, warning.Id) is { } e && Status(e) == "lifted", "the Cancel in the Atom feed");
        var entry = EntryOf(lifted, warning.Id)!;
        var alert = entry.Element(Atom + "content")!.Elements().Single();
        Assert.Equal("Cancel", alert.Element(Cap + "msgType")!.Value);
        Assert.Equal("AllClear", alert.Descendants(Cap + "responseType").First().Value);
        Assert.NotEqual(publishedUpdated, entry.Element(Atom + "updated")!.Value);
        Assert.Equal(entry.Element(Atom + "updated")!.Value, lifted.Element(Atom + "updated")!.Value);

        // Rendering again later changes nothing: updated moves with the content only.
        fixture.Clock.Advance(Duration.FromHours(23));
        var later = await FeedAsync("?district=310112");
        Assert.Equal(entry.ToString(), EntryOf(later, warning.Id)!.ToString());

        fixture.Clock.Advance(Duration.FromHours(1));
        var after = await FeedAsync("?district=310112");
        Assert.Null(EntryOf(after, warning.Id));
    }

    [Fact]
    public async Task An_expired_warning_stays_in_the_feed_marked_expired_until_the_retention_ends()
    {
        var warning = await fixture.PublishAsync("heat", "yellow", ["310113"]);
        await Eventually.Until(() => FeedAsync("?district=310113"), f => EntryOf(f, warning.Id) is not null, "the warning in the Atom feed");

        // PublishAsync makes it expire after 6 hours.
        fixture.Clock.Advance(Duration.FromHours(6) + Duration.FromMinutes(1));
        var expired = await Eventually.Until(() => FeedAsync("?district=310113"), f => EntryOf(f, warning.Id) is { } e && Status(e) == "expired", "the expired entry");
        var entry = EntryOf(expired, warning.Id)!;
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(warning.Content.ExpiresAt.Seconds), DateTimeOffset.Parse(entry.Element(Atom + "updated")!.Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith("已过期 Expired", entry.Element(Atom + "title")!.Value, StringComparison.Ordinal);

        fixture.Clock.Advance(Duration.FromHours(24));
        Assert.Null(EntryOf(await FeedAsync("?district=310113"), warning.Id));
    }
}
