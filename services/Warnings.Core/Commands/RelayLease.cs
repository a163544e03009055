using NodaTime;
using Warnings.Core.Storage;

namespace Warnings.Core.Commands;

/// <summary>
/// The outbox relay's lease in the store, as one relay holds it: asked for, renewed every third of
/// its time while held, released. It remembers when it was last granted, so a relay that was paused
/// (or cut off from the store) can tell before its next batch that it may have lost it, without
/// waiting for its renewal.
/// </summary>
internal sealed class RelayLease(IStateStore store, IClock clock, Duration leaseTime)
{
    private readonly Lock _granting = new();
    private Instant? _grantedAt; // when the latest answered request that was granted was asked for; null after a refusal

    /// <summary>Who holds it, in the store (<see cref="Outbox.NewRelayOwner"/>).</summary>
    public string Owner { get; } = Outbox.NewRelayOwner();

    /// <summary>Asks for (or renews) the lease; when granted, it is held from the moment it was asked for.</summary>
    public async Task<bool> AcquireAsync()
    {
        var asked = clock.GetCurrentInstant();
        bool granted = await store.AcquireLeaseAsync(Outbox.RelayLease, Owner, leaseTime);
        lock (_granting)
        {
            // The last answer wins, even from an older request: it can only make the grant look
            // older than it is, and so ask once more, never less.
            _grantedAt = granted ? asked : null;
        }

        return granted;
    }

    /// <summary>
    /// Granted longer ago than half the lease: the renewal, every third of it, should have renewed it
    /// by then, so this relay was paused or its renewals did not reach the store, and the lease may
    /// have gone to another relay before the renewal (woken at the same moment as the drain) could say
    /// so. A clock that went backwards counts as lapsed too. The check sees a pause only if this
    /// process's clock went on during it.
    /// </summary>
    public bool MayHaveLapsed
    {
        get
        {
            lock (_granting)
            {
                if (_grantedAt is not { } granted)
                {
                    return true;
                }

                var since = clock.GetCurrentInstant() - granted;
                return since > leaseTime / 2 || since < Duration.Zero;
            }
        }
    }

    public Task<bool> ReleaseAsync() => store.ReleaseLeaseAsync(Outbox.RelayLease, Owner);

    /// <summary>Renews the lease every third of its time until <paramref name="draining"/> ends; cancels it when the lease is refused.</summary>
    public async Task RenewWhileHeldAsync(CancellationTokenSource draining)
    {
        try
        {
            while (!draining.IsCancellationRequested)
            {
                await Task.Delay((leaseTime / 3).ToTimeSpan(), draining.Token);
                bool held;
                try
                {
                    held = await AcquireAsync();
                }
                catch (Exception) when (!draining.IsCancellationRequested)
                {
                    continue; // the store is away: a drain fails by itself; if the lease lapses, the next renewal says so
                }

                if (!held)
                {
                    await draining.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // draining ended
        }
    }
}
