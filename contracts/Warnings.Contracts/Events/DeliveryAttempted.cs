using NodaTime;

namespace Warnings.Contracts.Events;

/// <summary>A channel tried to deliver a warning version through its gateway (one event per attempt).</summary>
public sealed record DeliveryAttempted(string WarningId, int Version, string Channel, int Attempt, string IdempotencyKey, Instant At);
