using System.Net;
using System.Net.Http.Headers;
using System.Xml.Linq;
using Warnings.Contracts.V1;
using Warnings.Issuing.Cap;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Feeds;

/// <summary>
/// Atom and CAP over HTTP on real RabbitMQ and Redis: the Atom feed is well-formed RFC 4287 with
/// valid CAP 1.2 inside, public warnings are public and restricted ones need an entitled key,
/// ETag/If-None-Match and Cache-Control work, and every path hands out the same CAP document.
/// </summary>
public sealed class FeedHttpTests(FeedFixture fixture) : IClassFixture<FeedFixture>
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    private HttpClient Http => fixture.Platform.Http;

    private async Task<HttpResponseMessage> GetAsync(string path, string? role = null, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (role is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("ApiKey", TestIdentities.Keys[role]);
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return await Http.SendAsync(request);
    }

    private async Task<FeedMessage> InFeedAsync(Warning warning, FeedMessageKind kind = FeedMessageKind.Publish)
    {
        using var call = fixture.Feed(Roles.Operator).Subscribe(new SubscribeRequest { ResumeToken = "0" });
        var read = await FeedFixture.ReadUntilAsync(call, m => m.Any(x => x.WarningId == warning.Id && x.Kind == kind), $"{warning.Id} in the feed");
        return read.Single(x => x.WarningId == warning.Id && x.Kind == kind);
    }

    [Fact]
    public async Task The_Atom_feed_is_valid_and_every_CAP_document_in_it_validates_against_the_CAP_schema()
    {
        var red = await fixture.PublishAsync("typhoon", "red", ["310101", "310104"]);
        var blue = await fixture.PublishAsync("rainstorm", "blue", ["310000"]);
        await InFeedAsync(blue);

        using var response = await GetAsync("/feeds/cap.atom");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
        var feed = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;

        // RFC 4287: the feed and each entry have exactly one id, title and updated; the feed an author.
        Assert.Equal(Atom + "feed", feed.Name);
        foreach (var name in new[] { "id", "title", "updated", "author" })
        {
            Assert.Single(feed.Elements(Atom + name));
        }

        Assert.True(DateTimeOffset.TryParse(feed.Element(Atom + "updated")!.Value, out _));
        var entries = feed.Elements(Atom + "entry").ToList();
        Assert.True(entries.Count >= 2);
        foreach (var entry in entries)
        {
            foreach (var name in new[] { "id", "title", "updated" })
            {
                Assert.Single(entry.Elements(Atom + name));
            }

            Assert.True(Uri.IsWellFormedUriString(entry.Element(Atom + "id")!.Value, UriKind.Absolute));
            var link = entry.Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "alternate");
            Assert.Equal("application/cap+xml", (string?)link.Attribute("type"));
            var content = entry.Element(Atom + "content")!;
            Assert.Equal("application/cap+xml", (string?)content.Attribute("type"));
            var alert = new XDocument(content.Elements().Single());
            Assert.Empty(CapSchema.Validate(alert));

            // The linked document is the same alert.
            using var linked = await GetAsync(new Uri((string)link.Attribute("href")!).PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
            string xml = await linked.Content.ReadAsStringAsync();
            Assert.Empty(CapSchema.Validate(XDocument.Parse(xml)));
            Assert.True(XNode.DeepEquals(alert.Root, XDocument.Parse(xml).Root));
        }

        Assert.Contains(entries, e => e.Element(Atom + "id")!.Value.Contains(red.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_Atom_feeds_links_ignore_the_requests_Host_header()
    {
        var warning = await fixture.PublishAsync("typhoon", "red", ["310101"]);
        await InFeedAsync(warning);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/feeds/cap.atom");
        request.Headers.Host = "attacker.example";
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "attacker.example");
        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("attacker.example", body, StringComparison.Ordinal);
        var links = XDocument.Parse(body).Root!.Descendants(Atom + "link").Select(l => (string)l.Attribute("href")!).ToList();
        Assert.NotEmpty(links);
        // No Feeds:PublicBaseUrl in this fixture: the configured HTTP endpoint (as bound, its port was 0).
        Assert.All(links, href => Assert.StartsWith(fixture.Platform.HttpAddress.TrimEnd('/') + "/", href, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_path_hands_out_the_same_CAP_document_for_a_version()
    {
        var warning = await fixture.PublishAsync("typhoon", "orange", ["310101"]);
        var message = await InFeedAsync(warning);

        using var alert = await GetAsync($"/alerts/{message.Identifier}.xml");
        var cap = await fixture.Officer.GetCapAsync(new GetCapRequest { WarningId = warning.Id });

        Assert.Equal(message.Identifier, cap.Identifier);
        Assert.Equal(cap.Xml, message.CapXml);
        Assert.Equal(cap.Xml, await alert.Content.ReadAsStringAsync());
        Assert.Equal("application/cap+xml", alert.Content.Headers.ContentType?.MediaType);
        Assert.Empty(CapSchema.Validate(XDocument.Parse(cap.Xml)));
    }

    [Fact]
    public async Task Restricted_warnings_need_an_entitled_key_and_stay_out_of_the_public_feed()
    {
        var inside = await fixture.PublishAsync("typhoon", "red", ["310101"], ["partner_feed"]);
        var outside = await fixture.PublishAsync("gale", "red", ["310101"], ["partner_feed"]);
        var insideMessage = await InFeedAsync(inside);
        var outsideMessage = await InFeedAsync(outside);

        using var anonymousAtom = await GetAsync("/feeds/cap.atom");
        string publicFeed = await anonymousAtom.Content.ReadAsStringAsync();
        Assert.DoesNotContain(inside.Id, publicFeed);
        Assert.DoesNotContain(outside.Id, publicFeed);
        Assert.Equal("public", anonymousAtom.Headers.CacheControl?.Public == true ? "public" : "");

        using var partnerAtom = await GetAsync("/feeds/cap.atom", Roles.Partner);
        string partnerFeed = await partnerAtom.Content.ReadAsStringAsync();
        Assert.Contains(inside.Id, partnerFeed);
        Assert.DoesNotContain(outside.Id, partnerFeed);
        Assert.True(partnerAtom.Headers.CacheControl?.Private);

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync($"/alerts/{insideMessage.Identifier}.xml")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/alerts/{insideMessage.Identifier}.xml", Roles.Partner)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/alerts/{outsideMessage.Identifier}.xml", Roles.Partner)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/alerts/{outsideMessage.Identifier}.xml", Roles.Operator)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/alerts/no-such-alert.xml")).StatusCode);
    }

    [Fact]
    public async Task ETags_answer_not_modified_until_the_feed_changes_and_filters_apply()
    {
        var first = await fixture.PublishAsync("rainstorm", "orange", ["310104"]);
        await InFeedAsync(first);

        using var response = await GetAsync("/feeds/cap.atom?hazard=rainstorm&district=310104");
        string etag = response.Headers.ETag!.Tag;
        Assert.Contains(first.Id, await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.CacheControl!.MaxAge > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync("/feeds/cap.atom?hazard=rainstorm&district=310104", ifNoneMatch: etag)).StatusCode);

        using var other = await GetAsync("/feeds/cap.atom?hazard=typhoon");
        Assert.DoesNotContain(first.Id, await other.Content.ReadAsStringAsync());

        await fixture.Officer.LiftAsync(new LiftRequest { RequestId = $"l-{Guid.NewGuid():N}", WarningId = first.Id, Reason = "雨势减弱" });
        await InFeedAsync(first, FeedMessageKind.Lift);
        using var changed = await GetAsync("/feeds/cap.atom?hazard=rainstorm&district=310104", ifNoneMatch: etag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        // The lifted warning stays as its Cancel for Feeds:AllClearRetention (see AllClearFeedTests).
        var lifted = XDocument.Parse(await changed.Content.ReadAsStringAsync()).Root!.Elements(Atom + "entry").Single(e => e.Element(Atom + "id")!.Value.Contains(first.Id, StringComparison.Ordinal));
        Assert.Contains(lifted.Elements(Atom + "category"), c => (string?)c.Attribute("term") == "lifted");

        using var alert = await GetAsync($"/alerts/{(await InFeedAsync(first)).Identifier}.xml");
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync(alert.RequestMessage!.RequestUri!.PathAndQuery, ifNoneMatch: alert.Headers.ETag!.Tag)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync("/feeds/cap.atom?min_level=purple")).StatusCode);
    }
}
