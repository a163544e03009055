namespace Warnings.Feeds;

/// <summary>Stable ErrorInfo reasons of the feeds module.</summary>
public static class FeedReasons
{
    /// <summary>The subscriber's buffer filled up; resume with the token of the last message received.</summary>
    public const string SubscriberTooSlow = "FEED_SUBSCRIBER_TOO_SLOW";

    /// <summary>The server is stopping; resume (on another instance) with the token of the last message received.</summary>
    public const string ServerStopping = "FEED_SERVER_STOPPING";

    /// <summary>INVALID_ARGUMENT: the webhook URL points at a loopback, private, link-local... destination that is not allowed.</summary>
    public const string WebhookDestinationNotAllowed = "WEBHOOK_DESTINATION_NOT_ALLOWED";

    /// <summary>RESOURCE_EXHAUSTED: the partner has <c>Feeds:Webhooks:MaxPerPartner</c> webhooks already; delete one first.</summary>
    public const string WebhookLimitReached = "WEBHOOK_LIMIT_REACHED";

    /// <summary>ALREADY_EXISTS: the partner has a webhook with this URL and filter (ErrorInfo metadata <c>id</c>).</summary>
    public const string WebhookAlreadyRegistered = "WEBHOOK_ALREADY_REGISTERED";

    /// <summary>The webhook is deleted; nothing more can be done with it.</summary>
    public const string WebhookDeleted = "WEBHOOK_DELETED";
}
