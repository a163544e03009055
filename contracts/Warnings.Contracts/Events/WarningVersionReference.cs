using NodaTime;

namespace Warnings.Contracts.Events;

/// <summary>An earlier version of the same warning: enough to name it (CAP <c>references</c>: sender, identifier, sent).</summary>
public sealed record WarningVersionReference(int Version, Instant PublishedAt);
