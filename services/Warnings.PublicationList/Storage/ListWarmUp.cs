using Warnings.Core.Hosting;
using Warnings.PublicationList.Domain;

namespace Warnings.PublicationList.Storage;

/// <summary>
/// An edit's work and a new version's compile, on a copy of the list in effect, nothing written: list
/// edits are rare, so without this the first ones after a start run the whole list's validation,
/// JSON writing and parsing in the JIT's unoptimised first tier (an edit took ~18 ms at the median of
/// 100 and the instances that enforce it compile the new version the same way).
/// </summary>
public sealed class ListWarmUp(ListSnapshots snapshots) : IWarmUpStep
{
    public string Name => "publication-list";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var current = (await snapshots.CurrentAsync()).Document;
        var edited = current.Clone();
        ListValidator.Validate(edited, carriedFrom: current);
        ListDiff.Describe(current, edited);
        _ = new CompiledList(ListRepository.Parse(ListRepository.Serialize(edited)));
    }
}
