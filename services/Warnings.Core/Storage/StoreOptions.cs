namespace Warnings.Core.Storage;

/// <summary>Where state lives. Bound from the <c>Store</c> and <c>Redis</c> configuration sections.</summary>
public sealed class StoreOptions
{
    /// <summary>
    /// StackExchange.Redis configuration string (<c>Redis__Configuration</c>), e.g. <c>127.0.0.1:6379</c>.
    /// Empty means the in-memory store: the zero-setup default, whose state ends with the process.
    /// </summary>
    public string? RedisConfiguration { get; set; }

    /// <summary>Prefix of every key (<c>Store__KeyPrefix</c>, default <c>wrn</c>).</summary>
    public string KeyPrefix { get; set; } = "wrn";

    /// <summary>
    /// <c>Redis__Durability</c>: <c>EverySecond</c> (default; Redis's <c>appendfsync everysec</c>: a host
    /// or power failure can lose up to about a second of acknowledged commits) or <c>Always</c> (the
    /// platform sets <c>appendfsync always</c> on the server at start, so every acknowledged commit is
    /// on disk; costs throughput, see docs/performance.md). Server-wide: it applies to every client.
    /// </summary>
    public string Durability { get; set; } = "EverySecond";

    public bool FsyncAlways => string.Equals(Durability, "Always", StringComparison.OrdinalIgnoreCase);

    /// <summary>"Redis" or "InMemory", as the banner and PlatformInfo report it.</summary>
    public string Kind => string.IsNullOrWhiteSpace(RedisConfiguration) ? "InMemory" : "Redis";
}
