using NodaTime;
using Warnings.Contracts.V1;
using Warnings.Core.Commands;
using Warnings.Core.Hosting;
using Warnings.PublicationList.Domain;

namespace Warnings.PublicationList.Storage;

/// <summary>
/// A list edit rehearsed on the list in effect, nothing written: edits are rare, so without this the
/// first ones after a start run the whole path in the JIT's unoptimised first tier (an edit took
/// ~18 ms at the median of 100, and the first ones several times that). The edit's plan as the RPCs
/// make it (<see cref="ListEditPlan"/>: validation, diff, the 146 KB version, the event), its command
/// up to a commit the store refuses (<see cref="Commands.RehearseAsync"/>), and the compile every
/// instance does of a new version.
/// </summary>
public sealed class ListWarmUp(ListSnapshots snapshots, Commands commands, IClock clock) : IWarmUpStep
{
    public string Name => "publication-list";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var current = (await snapshots.CurrentAsync()).Document;
        // First, so a rehearsal the store refuses (read-only during a failover) leaves this warmed.
        _ = new CompiledList(ListRepository.Parse(ListRepository.Serialize(current)));
        int active = current.Grants.ToList().FindIndex(g => g.Status == GrantStatus.Active);
        if (active >= 0)
        {
            // As SuspendGrant would plan it.
            var request = new ChangeGrantStatusRequest { RequestId = "warm-up", ExpectedVersion = current.Version, GrantId = current.Grants[active].Id, Reason = "warm-up" };
            await commands.RehearseAsync("platform:WarmUp", "warm-up", request, () =>
            {
                var (_, plan) = ListEditPlan.For(current.Version, current, list => list.Grants[active].Status = GrantStatus.Suspended, field => field,
                    "warm-up", "warm-up", "platform", clock.GetCurrentInstant());
                return Task.FromResult(plan);
            });
        }
    }
}
