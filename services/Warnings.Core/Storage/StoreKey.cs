namespace Warnings.Core.Storage;

/// <summary>
/// A logical key in the state store: an area (<c>warning</c>, <c>probe</c>, <c>list</c>...) and an id.
/// The store renders it as <c>{prefix}:{area}:{id}</c>, the prefix coming from <c>Store:KeyPrefix</c>,
/// so that code never builds key strings by hand and two platforms (or two test runs) can share one
/// Redis without seeing each other's keys.
/// </summary>
public readonly record struct StoreKey(string Area, string Id)
{
    /// <summary>The key as stored: <c>{prefix}:{area}:{id}</c>.</summary>
    public string Render(string prefix) => $"{prefix}:{Area}:{Id}";

    public override string ToString() => $"{Area}:{Id}";
}
