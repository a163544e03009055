namespace Warnings.Feeds;

/// <summary>Bound from the <c>Feeds</c> section.</summary>
public sealed class FeedsOptions
{
    /// <summary>
    /// Messages buffered per gRPC subscriber; one that falls this far behind is ended
    /// (RESOURCE_EXHAUSTED) and resumes from its token, so it never holds up the others.
    /// </summary>
    public int SubscriberBuffer { get; set; } = 1024;

    /// <summary>
    /// How long a cut-off subscriber has to read the message being written before its stream is reset
    /// (it then learns the status and its resume token once it reads again).
    /// </summary>
    public TimeSpan CutOffGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the feed is read when no nudge arrived (nudges may be lost; polling catches up).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Atom and CAP responses: Cache-Control max-age of the Atom feed.</summary>
    public TimeSpan AtomMaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The address partners reach the HTTP endpoint at, for links in the Atom feed; empty: the
    /// configured HTTP endpoint (<c>Platform:HttpUrl</c>). Never the request's Host header: the feed
    /// is cached publicly, so a forged Host would poison it for everyone.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary><c>Platform:HttpUrl</c>, as configured (set by the module, not bound from <c>Feeds</c>).</summary>
    internal string HttpEndpointUrl { get; set; } = "http://127.0.0.1:5101";

    /// <summary>
    /// How long a lifted or expired warning stays in the Atom feed (as its Cancel, or marked
    /// expired), so a poller sees every all-clear.
    /// </summary>
    public TimeSpan AllClearRetention { get; set; } = TimeSpan.FromHours(24);

    public WebhookOptions Webhooks { get; set; } = new();

    public WebSubOptions WebSub { get; set; } = new();
}

/// <summary>The WebSub hub (<c>Feeds:WebSub</c>); callbacks follow the webhooks' destination rules (<see cref="WebhookOptions.AllowHttp"/>, <see cref="WebhookOptions.AllowedDestinations"/>).</summary>
public sealed class WebSubOptions
{
    /// <summary>Subscriptions the hub keeps at most (all topics together); more are refused with 429.</summary>
    public int MaxSubscriptions { get; set; } = 1000;

    /// <summary>The lease when the subscriber asks for none.</summary>
    public TimeSpan DefaultLease { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Shorter requested leases are raised to this.</summary>
    public TimeSpan MinLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longer requested leases are lowered to this.</summary>
    public TimeSpan MaxLease { get; set; } = TimeSpan.FromDays(10);

    /// <summary>Attempts per content distribution (the first included) before it is given up.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait after the first failed attempt; doubled after each further one, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Subscription requests per client address and minute (per instance), after a burst of <see cref="RequestBurst"/>.</summary>
    public int RequestsPerMinute { get; set; } = 30;

    public int RequestBurst { get; set; } = 10;

    /// <summary>Verifications of intent waiting to be made (per instance); a request beyond them is refused with 429.</summary>
    public int MaxPendingVerifications { get; set; } = 256;
}

public sealed class WebhookOptions
{
    /// <summary>Consecutive failed deliveries after which a webhook is suspended until resumed.</summary>
    public int SuspendAfterFailures { get; set; } = 8;

    /// <summary>The wait after the first failure; doubled after each further one, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>One POST's timeout.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Webhooks one partner may have (deleted ones do not count); more is RESOURCE_EXHAUSTED <c>WEBHOOK_LIMIT_REACHED</c>.</summary>
    public int MaxPerPartner { get; set; } = 10;

    /// <summary>Allow http:// URLs (tests, internal networks); https:// is always allowed.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Destinations let through although they are loopback, private, link-local...: <c>host</c> or
    /// <c>host:port</c> (matched against the URL's host as written), or CIDR ranges (matched against
    /// the addresses a host resolves to). See <see cref="Webhooks.WebhookDestinations"/>.
    /// </summary>
    public List<string> AllowedDestinations { get; set; } = [];
}
