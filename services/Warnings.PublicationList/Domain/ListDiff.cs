using Google.Protobuf;
using Warnings.Contracts.V1;

namespace Warnings.PublicationList.Domain;

/// <summary>What an edit changed, in words a reviewer reads in the history: grants added, removed, and which fields of which grant changed.</summary>
public static class ListDiff
{
    public static IReadOnlyList<string> Describe(Contracts.V1.PublicationList before, Contracts.V1.PublicationList after)
    {
        var changes = new List<string>();
        var old = before.Grants.ToDictionary(g => g.Id);
        var now = after.Grants.ToDictionary(g => g.Id);
        foreach (var grant in after.Grants.Where(g => !old.ContainsKey(g.Id)))
        {
            changes.Add($"grant {grant.Id} added");
        }

        foreach (var grant in before.Grants.Where(g => !now.ContainsKey(g.Id)))
        {
            changes.Add($"grant {grant.Id} removed");
        }

        foreach (var grant in after.Grants.Where(g => old.TryGetValue(g.Id, out var o) && !o.Equals(g)))
        {
            var fields = Grant.Descriptor.Fields.InFieldNumberOrder()
                .Where(f => !Equals(f.Accessor.GetValue(old[grant.Id]), f.Accessor.GetValue(grant)))
                .Select(f => f.Name);
            changes.Add($"grant {grant.Id}: {string.Join(", ", fields)}");
        }

        Compare(before.Reporting, after.Reporting, "reporting rules changed", changes);
        if (!before.Districts.Equals(after.Districts) || !before.Departments.Equals(after.Departments) || !before.Hazards.Equals(after.Hazards)
            || !before.Channels.Equals(after.Channels) || !before.Languages.Equals(after.Languages))
        {
            changes.Add("vocabulary changed (districts, departments, hazards, channels or languages)");
        }

        return changes;
    }

    private static void Compare(IMessage? before, IMessage? after, string change, List<string> changes)
    {
        if (!Equals(before, after))
        {
            changes.Add(change);
        }
    }
}
