namespace Warnings.Dispatch;

/// <summary>Bound from the <c>Dispatch</c> section.</summary>
public sealed class DispatchOptions
{
    /// <summary>Per channel: <c>Dispatch:Gateways:sms:Url</c> and <c>:Secret</c>. A channel without a URL logs instead.</summary>
    public Dictionary<string, GatewayOptions> Gateways { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Retries of one gateway call inside one delivery attempt (the bus retries the attempt itself).</summary>
    public int HttpRetries { get; set; } = 2;

    /// <summary>The district-to-cell-area mapping for cell broadcast.</summary>
    public string CellAreasPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "dispatch", "cell-areas.json");
}

public sealed class GatewayOptions
{
    public string? Url { get; set; }

    public string? Secret { get; set; }
}
