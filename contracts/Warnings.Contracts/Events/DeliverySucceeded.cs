using NodaTime;

namespace Warnings.Contracts.Events;

/// <summary>A channel's gateway accepted a warning version.</summary>
public sealed record DeliverySucceeded(string WarningId, int Version, string Channel, int Attempts, string IdempotencyKey, Instant At);
