using NodaTime;

namespace Warnings.Contracts.Events;

/// <summary>
/// An operator's probe was published to check the wiring between modules: every running module
/// consumes it on its own queue and records a receipt. Carries an <see cref="Instant"/> so that the
/// bus serializer's NodaTime configuration is exercised by every probe.
/// </summary>
/// <param name="ProbeId">The probe's id (the client's request id).</param>
/// <param name="SentAt">When the probe was sent, by the sender's clock.</param>
/// <param name="SentBy">The instance that sent the probe.</param>
public sealed record ProbeSent(string ProbeId, Instant SentAt, string SentBy);
