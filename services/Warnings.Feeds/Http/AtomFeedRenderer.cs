using NodaTime;
using Warnings.Core.Identity;
using Warnings.Feeds.Feed;
using Warnings.Issuing.Cap;

namespace Warnings.Feeds.Http;

/// <summary>
/// Renders one Atom feed (a <see cref="FeedTopic"/>) as a viewer sees it now: the same text for
/// <c>GET /feeds/cap.atom</c> and for the WebSub hub's content distribution, so a subscriber gets
/// exactly what a poller would.
/// </summary>
public sealed class AtomFeedRenderer(ActiveWarnings active, CapDocuments caps, FeedsOptions options, IClock clock)
{
    public const string MediaType = "application/atom+xml; charset=utf-8";

    public const string HubPath = "/websub/hub";

    public static string HubUrl(string baseUrl) => $"{baseUrl}{HubPath}";

    /// <summary>The HTTP <c>Link</c> header naming the hub and the topic (WebSub discovery).</summary>
    public static string LinkHeader(string baseUrl, string topicUrl) => $"<{HubUrl(baseUrl)}>; rel=\"hub\", <{topicUrl}>; rel=\"self\"";

    public async Task<string> RenderAsync(FeedTopic topic, PlatformPrincipal? viewer, string baseUrl)
    {
        var (shown, lastChange) = await active.ShownAsync(clock.GetCurrentInstant(), Duration.FromTimeSpan(options.AllClearRetention));
        var (entries, updated) = AtomWindow.Order(shown.Where(s => topic.Matches(s.Entry) && FeedHttpEndpoints.MaySee(viewer, s.Entry)), lastChange);
        var items = new List<AtomFeed.Item>();
        foreach (var item in entries)
        {
            // The stored CAP bytes as they are (never re-serialised: a signature inside must still verify).
            if (await caps.FindAsync(item.Entry.Identifier) is { } xml)
            {
                items.Add(new AtomFeed.Item(item, xml));
            }
        }

        return AtomFeed.Write(items, updated, baseUrl, topic.Url(baseUrl), HubUrl(baseUrl));
    }
}
