using System.Globalization;
using System.Xml.Linq;
using NodaTime;
using Warnings.Feeds.Feed;
using Warnings.Issuing.Cap;

namespace Warnings.Feeds.Http;

/// <summary>
/// The Atom 1.0 (RFC 4287) feed of warnings in force, one entry per warning's current version, in
/// the style of CAP-over-Atom feeds: the entry's alternate link is the CAP document
/// (<c>/alerts/{identifier}.xml</c>) and its content is that same CAP alert inline
/// (<c>type="application/cap+xml"</c>, the stored bytes as they are, signature included), so readers
/// need no second request. Warnings lifted or expired within the retention stay, as their Cancel
/// or as their last version marked expired (<see cref="AtomWindow"/>). The feed names its WebSub
/// hub (<c>rel="hub"</c>) and its canonical URL, the topic (<c>rel="self"</c>).
/// </summary>
public static class AtomFeed
{
    public static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    public const string FeedId = "tag:warnings.shanghai,2026:feeds/cap";

    public sealed record Item(AtomWindow.Shown Shown, string CapXml);

    public static string Write(IReadOnlyList<Item> items, Instant updated, string baseUrl, string selfUrl, string hubUrl)
    {
        var feed = new XElement(Atom + "feed",
            new XElement(Atom + "id", FeedId),
            new XElement(Atom + "title", "上海市突发事件预警信息 Shanghai emergency warnings (CAP 1.2)"),
            new XElement(Atom + "subtitle", "Warnings in force, issued through the Shanghai emergency warning publication platform"),
            new XElement(Atom + "updated", Time(updated)),
            new XElement(Atom + "author", new XElement(Atom + "name", "上海市预警信息发布中心 Shanghai Warning Publication Centre")),
            new XElement(Atom + "generator", "Warnings"),
            new XElement(Atom + "link", new XAttribute("rel", "self"), new XAttribute("type", "application/atom+xml"), new XAttribute("href", selfUrl)),
            new XElement(Atom + "link", new XAttribute("rel", "hub"), new XAttribute("href", hubUrl)));
        foreach (var item in items)
        {
            var entry = item.Shown.Entry;
            string status = !item.Shown.Ended ? "actual" : item.Shown.Expired ? "expired" : "lifted";
            string title = entry.Headline.Length > 0 ? entry.Headline : entry.Identifier;
            string capUrl = $"{baseUrl}/alerts/{Uri.EscapeDataString(entry.Identifier)}.xml";
            feed.Add(new XElement(Atom + "entry",
                new XElement(Atom + "id", $"tag:warnings.shanghai,2026:alert:{entry.Identifier}"),
                new XElement(Atom + "title", item.Shown.Expired ? $"已过期 Expired: {title}" : title),
                new XElement(Atom + "updated", Time(item.Shown.Updated)),
                new XElement(Atom + "published", Time(entry.PublishedAt)),
                new XElement(Atom + "summary", Summary(item.Shown)),
                new XElement(Atom + "category", new XAttribute("term", status), new XAttribute("scheme", "urn:warnings:status")),
                new XElement(Atom + "category", new XAttribute("term", entry.Hazard), new XAttribute("scheme", "urn:warnings:hazard")),
                entry.Level.Length > 0 ? new XElement(Atom + "category", new XAttribute("term", entry.Level), new XAttribute("scheme", "urn:warnings:level")) : null,
                new XElement(Atom + "link", new XAttribute("rel", "alternate"), new XAttribute("type", "application/cap+xml"), new XAttribute("href", capUrl)),
                // The signed alert as stored: its whitespace kept (it is signed), and no indentation
                // added inside it (preserved text makes the writer leave the alert's content as it is).
                new XElement(Atom + "content", new XAttribute("type", "application/cap+xml"), XElement.Parse(item.CapXml, LoadOptions.PreserveWhitespace))));
        }

        return $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>{Environment.NewLine}{feed}";
    }

    private static string Summary(AtomWindow.Shown shown)
    {
        var entry = shown.Entry;
        string state = !shown.Ended ? $"in force until {CapWriter.Time(entry.ExpiresAt)}"
            : shown.Expired ? $"expired at {CapWriter.Time(shown.Updated)}"
            : $"lifted at {CapWriter.Time(shown.Updated)} (all clear)";
        return string.Create(CultureInfo.InvariantCulture,
            $"{(entry.Level.Length > 0 ? $"{entry.Level} " : "")}{entry.Hazard} warning for {string.Join(", ", entry.Districts)}, version {entry.Version}, {state}");
    }

    /// <summary>RFC 3339 in UTC, to the second.</summary>
    private static string Time(Instant instant) => instant.ToString("uuuu'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);
}
