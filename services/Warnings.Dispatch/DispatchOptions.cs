namespace Warnings.Dispatch;

/// <summary>Bound from the <c>Dispatch</c> section.</summary>
public sealed class DispatchOptions
{
    /// <summary>Per channel: <c>Dispatch:Gateways:sms:Url</c> and <c>:Secret</c>. A channel without a URL logs instead.</summary>
    public Dictionary<string, GatewayOptions> Gateways { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Retries of one gateway call inside one delivery attempt (the bus retries the attempt itself).</summary>
    public int HttpRetries { get; set; } = 2;

    /// <summary>
    /// How long the fan-out waits for a channel's gateway before handing that delivery to the channel's
    /// own queue (the attempt keeps going; the queue's copy finds it delivered). Between 50 ms and 20 s.
    /// A slow channel holds the fan-out's other deliveries this long once per trouble window.
    /// </summary>
    public TimeSpan HandOffAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After a failed or slow attempt, how long a channel's deliveries go straight to its own queue. Between 1 s and 1 h.</summary>
    public TimeSpan HandOffFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The district-to-cell-area mapping for cell broadcast.</summary>
    public string CellAreasPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "dispatch", "cell-areas.json");
}

public sealed class GatewayOptions
{
    public string? Url { get; set; }

    public string? Secret { get; set; }
}
