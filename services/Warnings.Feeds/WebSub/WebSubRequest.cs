using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using NodaTime;
using Warnings.Feeds.Feed;
using Warnings.Feeds.Webhooks;

namespace Warnings.Feeds.WebSub;

/// <summary>
/// A subscriber's request to the hub (W3C WebSub 5.1), checked before anything is stored or sent:
/// <c>hub.mode</c> subscribe or unsubscribe; <c>hub.topic</c> one of this platform's Atom feeds;
/// <c>hub.callback</c> an absolute http(s) URL the webhooks' destination rules allow; <c>hub.lease_seconds</c>
/// (optional) brought within the hub's bounds; <c>hub.secret</c> (optional) under 200 bytes.
/// </summary>
public sealed record WebSubRequest(string Mode, string TopicUrl, FeedTopic Topic, string BaseUrl, Uri Callback, Duration Lease, string Secret)
{
    public const string Subscribe = "subscribe";
    public const string Unsubscribe = "unsubscribe";
    public const int MaxUrlLength = 2048;

    /// <summary>The spec's bound: <c>hub.secret</c> MUST be less than 200 bytes.</summary>
    public const int MaxSecretBytes = 199;

    private static readonly string[] HubParameters = ["hub.mode", "hub.topic", "hub.callback", "hub.lease_seconds", "hub.secret"];

    /// <summary>
    /// The request in <paramref name="form"/> (parsed <c>application/x-www-form-urlencoded</c>) to a hub
    /// whose feeds are under <paramref name="baseUrl"/>, or the fields in error (never both).
    /// </summary>
    public static WebSubRequest? Parse(
        IReadOnlyDictionary<string, StringValues> form, string baseUrl, WebSubOptions options, bool allowHttp, WebhookDestinations destinations,
        out Dictionary<string, string[]> errors)
    {
        errors = [];
        foreach (var name in HubParameters.Where(n => form.TryGetValue(n, out var v) && v.Count > 1))
        {
            errors[name] = ["must be given once"];
        }

        if (errors.Count > 0)
        {
            return null;
        }

        string mode = Value(form, "hub.mode");
        if (mode is not (Subscribe or Unsubscribe))
        {
            errors["hub.mode"] = ["must be subscribe or unsubscribe"];
        }

        var topic = ParseTopic(Value(form, "hub.topic"), baseUrl, out string? topicError);
        if (topicError is not null)
        {
            errors["hub.topic"] = [topicError];
        }

        var callback = ParseCallback(Value(form, "hub.callback"), allowHttp, destinations, out string? callbackError);
        if (callbackError is not null)
        {
            errors["hub.callback"] = [callbackError];
        }

        var lease = GrantedLease(Value(form, "hub.lease_seconds"), options, out string? leaseError);
        if (leaseError is not null)
        {
            errors["hub.lease_seconds"] = [leaseError];
        }

        string secret = Value(form, "hub.secret");
        if (Encoding.UTF8.GetByteCount(secret) > MaxSecretBytes)
        {
            errors["hub.secret"] = [$"must be less than 200 bytes"];
        }

        return errors.Count == 0 ? new WebSubRequest(mode, Value(form, "hub.topic"), topic!, baseUrl, callback!, lease, secret) : null;
    }

    /// <summary>The feed a topic URL names, if it is one of this hub's (<c>{base}/feeds/cap.atom</c> with a valid filter).</summary>
    public static FeedTopic? ParseTopic(string url, string baseUrl, out string? error)
    {
        error = null;
        if (url.Length == 0 || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var topic) || topic.Fragment.Length > 0)
        {
            error = url.Length == 0 ? "is required" : $"must be an absolute URL of at most {MaxUrlLength} characters, without a fragment";
            return null;
        }

        var feed = new Uri($"{baseUrl}{FeedTopic.Path}");
        if (Uri.Compare(topic, feed, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0 || topic.UserInfo.Length > 0)
        {
            error = $"is not a feed of this hub (its topics are {feed} and its filtered variants)";
            return null;
        }

        var parsed = FeedTopic.Parse(QueryHelpers.ParseQuery(topic.Query), strict: true, out var filterError);
        if (parsed is null)
        {
            error = $"is not a feed of this hub: {filterError!.Value.Field} {filterError.Value.Message}";
        }

        return parsed;
    }

    private static Uri? ParseCallback(string url, bool allowHttp, WebhookDestinations destinations, out string? error)
    {
        error = null;
        if (url.Length == 0 || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var callback))
        {
            error = url.Length == 0 ? "is required" : $"must be an absolute URL of at most {MaxUrlLength} characters";
            return null;
        }

        error = callback.Scheme != Uri.UriSchemeHttps && !(allowHttp && callback.Scheme == Uri.UriSchemeHttp) ? (allowHttp ? "must be http or https" : "must be https")
            : callback.UserInfo.Length > 0 || callback.Fragment.Length > 0 ? "must not carry credentials or a fragment"
            : destinations.RefusesAtRegistration(callback);
        return error is null ? callback : null;
    }

    /// <summary>The lease the hub grants: the requested one within [min, max], or the default.</summary>
    private static Duration GrantedLease(string requested, WebSubOptions options, out string? error)
    {
        error = null;
        var min = Duration.FromTimeSpan(options.MinLease);
        var max = Duration.FromTimeSpan(options.MaxLease);
        if (requested.Length == 0)
        {
            return Duration.Max(min, Duration.Min(max, Duration.FromTimeSpan(options.DefaultLease)));
        }

        if (requested.Length > 10 || !long.TryParse(requested, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
        {
            error = "must be a whole number of seconds";
            return Duration.Zero;
        }

        return Duration.Max(min, Duration.Min(max, Duration.FromSeconds(seconds)));
    }

    private static string Value(IReadOnlyDictionary<string, StringValues> form, string name) =>
        form.TryGetValue(name, out var values) ? values.ToString() : "";
}
