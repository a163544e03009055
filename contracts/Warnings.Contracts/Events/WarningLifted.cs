namespace Warnings.Contracts.Events;

/// <summary>A warning was lifted (解除); <paramref name="Version"/> is its Cancel version.</summary>
/// <param name="Version">The Cancel version that ends the warning.</param>
/// <param name="Reason">Why it was lifted.</param>
public sealed record WarningLifted(PublishedWarningVersion Version, string Reason);
