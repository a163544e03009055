namespace Warnings.Testing;

/// <summary>Settings several tests share.</summary>
public static class TestSettings
{
    /// <summary>
    /// Bus retries in milliseconds instead of seconds (one quick retry, then the error queue), and
    /// outage retries of a fraction of a second: failure paths finish while a test waits.
    /// </summary>
    public static Dictionary<string, string?> QuickBusRetries() => new()
    {
        ["Bus:Retry:Limit"] = "1",
        ["Bus:Retry:MinInterval"] = "00:00:00.050",
        ["Bus:Retry:MaxInterval"] = "00:00:00.100",
        ["Bus:Retry:IntervalDelta"] = "00:00:00.050",
        ["Bus:OutageRetry:First"] = "00:00:00.200",
        ["Bus:OutageRetry:Longest"] = "00:00:00.500",
        ["Dispatch:HttpRetries"] = "1",
    };
}
