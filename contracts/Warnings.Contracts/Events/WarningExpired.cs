namespace Warnings.Contracts.Events;

/// <summary>A warning reached its expiry without being lifted; it is no longer active.</summary>
public sealed record WarningExpired(PublishedWarningVersion Version);
