namespace Warnings.Contracts.Events;

/// <summary>A published warning got a new version (upgrade, downgrade, extension, new area or text).</summary>
public sealed record WarningUpdated(PublishedWarningVersion Version, string Note);
