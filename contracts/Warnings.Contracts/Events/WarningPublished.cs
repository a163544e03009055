namespace Warnings.Contracts.Events;

/// <summary>A warning was published (its version 1, by the normal path or the fast-track).</summary>
public sealed record WarningPublished(PublishedWarningVersion Version);
