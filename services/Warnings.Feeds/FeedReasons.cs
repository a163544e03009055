namespace Warnings.Feeds;

/// <summary>Stable ErrorInfo reasons of the feeds module.</summary>
public static class FeedReasons
{
    /// <summary>The subscriber's buffer filled up; resume with the token of the last message received.</summary>
    public const string SubscriberTooSlow = "FEED_SUBSCRIBER_TOO_SLOW";

    /// <summary>The server is stopping; resume (on another instance) with the token of the last message received.</summary>
    public const string ServerStopping = "FEED_SERVER_STOPPING";

    /// <summary>The webhook is deleted; nothing more can be done with it.</summary>
    public const string WebhookDeleted = "WEBHOOK_DELETED";
}
