using MassTransit;
using Warnings.Contracts.Events;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;
using Warnings.Feeds.Feed;
using Warnings.Issuing.Cap;

namespace Warnings.Feeds;

/// <summary>
/// Turns warning events into feed entries: versions approved for <c>partner_feed</c> get their CAP
/// document (stored once), an alert record for <c>/alerts/{identifier}.xml</c>, one numbered feed
/// entry per version and kind (a redelivery appends nothing), and the active-warnings record. Its
/// endpoint takes one message at a time, so the feed's order is the order the events were published.
/// </summary>
public sealed class FeedAppender(FeedStream feed, CapDocuments caps, ActiveWarnings active, IStateStore store) :
    IConsumer<WarningPublished>, IConsumer<WarningUpdated>, IConsumer<WarningLifted>, IConsumer<WarningExpired>
{
    public Task Consume(ConsumeContext<WarningPublished> context) => AppendAsync(context.Message.Version, FeedMessageKind.Publish);

    public Task Consume(ConsumeContext<WarningUpdated> context) => AppendAsync(context.Message.Version, FeedMessageKind.Update);

    public Task Consume(ConsumeContext<WarningLifted> context) => AppendAsync(context.Message.Version, FeedMessageKind.Lift);

    public Task Consume(ConsumeContext<WarningExpired> context) => AppendAsync(context.Message.Version, FeedMessageKind.Expire);

    /// <summary>Where the alert record of a CAP identifier is kept (metadata for access checks, without the XML).</summary>
    public static StoreKey AlertKey(string identifier) => new("feed-alert", identifier);

    private async Task AppendAsync(PublishedWarningVersion version, FeedMessageKind kind)
    {
        if (!version.Channels.Contains(FeedEntry.PartnerChannel))
        {
            return;
        }

        string identifier = CapDocuments.IdentifierOf(version);
        var entry = FeedEntry.From(version, kind, identifier, await caps.GetOrRenderAsync(version));
        // The alert record and the Atom feed's set first, so /alerts/{identifier}.xml and /feeds/cap.atom
        // show the entry by the time a subscriber reads it from the numbered feed (both are idempotent
        // if the append fails and the event is redelivered).
        await store.CommitAsync([new StoreCondition(AlertKey(identifier), null)], [new StoreWrite(AlertKey(identifier), (entry with { CapXml = "" }).ToJson())]);
        await active.ApplyAsync(entry);
        await feed.AppendAsync(entry);
    }
}

/// <summary>
/// The appender's endpoint: one message at a time, and on RabbitMQ one active consumer across all
/// replicas of the module (the others stand by), so the feed's numbering is the publication order
/// however many instances run.
/// </summary>
public sealed class FeedAppenderDefinition : ConsumerDefinition<FeedAppender>
{
    public FeedAppenderDefinition()
    {
        EndpointName = "feeds-append";
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<FeedAppender> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = 16;
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SingleActiveConsumer = true;
        }
    }
}
