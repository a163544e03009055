namespace Warnings.Core.Commands;

/// <summary>Bound from the <c>Outbox</c> section.</summary>
public sealed class OutboxOptions
{
    /// <summary>Whether this instance relays (default true). Any instance may; a lease makes it one at a time.</summary>
    public bool RelayEnabled { get; set; } = true;

    /// <summary>How often the relay looks for work it was not nudged about.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the relay lease lasts without renewal: after a relaying instance dies, another (or
    /// its own replacement) takes over within 4/3 of this time. The holder renews it every third of
    /// it; the others ask for it every third of it.
    /// </summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long one publish may wait for the broker (connection and confirm) before the relay gives up and retries.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a relay that holds the lease may go without a drain that worked before it frees the
    /// lease for another instance (its broker connection may be the broken one), then asks again
    /// after two thirds of the lease.
    /// </summary>
    public TimeSpan YieldAfter { get; set; } = TimeSpan.FromSeconds(10);
}
