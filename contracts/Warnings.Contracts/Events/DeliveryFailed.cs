using NodaTime;

namespace Warnings.Contracts.Events;

/// <summary>A channel's gateway refused or did not answer; <paramref name="WillRetry"/> says whether the bus retries.</summary>
public sealed record DeliveryFailed(string WarningId, int Version, string Channel, int Attempt, string Error, bool WillRetry, Instant At);
