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

        if (!before.LevelNames.Equals(after.LevelNames) || !before.ResponseMeasureNames.Equals(after.ResponseMeasureNames) || !Equals(before.City, after.City))
        {
            changes.Add("names changed (levels, response measures or the city)");
        }

        DescribeTemplates(before, after, changes);
        return changes;
    }

    private static void DescribeTemplates(Contracts.V1.PublicationList before, Contracts.V1.PublicationList after, List<string> changes)
    {
        var old = before.Templates.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First());
        var now = after.Templates.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First());
        changes.AddRange(after.Templates.Where(t => !old.ContainsKey(t.Id)).Select(t => $"template {t.Id} added"));
        changes.AddRange(before.Templates.Where(t => !now.ContainsKey(t.Id)).Select(t => $"template {t.Id} removed"));
        foreach (var template in after.Templates.Where(t => old.TryGetValue(t.Id, out var o) && !o.Equals(t)))
        {
            var fields = WarningTemplate.Descriptor.Fields.InFieldNumberOrder()
                .Where(f => !Equals(f.Accessor.GetValue(old[template.Id]), f.Accessor.GetValue(template)))
                .Select(f => f.Name);
            changes.Add($"template {template.Id}: {string.Join(", ", fields)}");
        }
    }

    private static void Compare(IMessage? before, IMessage? after, string change, List<string> changes)
    {
        if (!Equals(before, after))
        {
            changes.Add(change);
        }
    }
}
