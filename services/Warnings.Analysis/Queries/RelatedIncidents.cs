using Warnings.Analysis.Projections;
using Warnings.Contracts.V1;
using Warnings.Reporting.Domain;

namespace Warnings.Analysis.Queries;

/// <summary>
/// Pairs of incidents that are likely duplicates or one event: the same enterprise (names compared
/// without spaces and case), or the same category within <c>distanceKm</c> and <c>windowHours</c> of
/// each other. Each pair once, the earlier-occurring incident first.
/// </summary>
public static class RelatedIncidents
{
    public static RelatedIncidentsReport Find(IReadOnlyList<IncidentFacts> incidents, double distanceKm, int windowHours)
    {
        var report = new RelatedIncidentsReport();
        var ordered = incidents.OrderBy(i => i.OccurredAt).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();
        for (int a = 0; a < ordered.Count; a++)
        {
            for (int b = a + 1; b < ordered.Count; b++)
            {
                var (first, second) = (ordered[a], ordered[b]);
                double hours = (second.OccurredAt - first.OccurredAt).TotalHours;
                string enterprise = Normalise(first.Enterprise);
                if (enterprise.Length > 0 && enterprise == Normalise(second.Enterprise))
                {
                    report.Pairs.Add(Pair(first, second, "same_enterprise", Distance(first, second), hours));
                }
                else if (first.Category == second.Category && hours <= windowHours && Distance(first, second) is { } km && km <= distanceKm)
                {
                    report.Pairs.Add(Pair(first, second, "nearby_same_category", km, hours));
                }
            }
        }

        return report;
    }

    private static RelatedPair Pair(IncidentFacts a, IncidentFacts b, string reason, double? km, double hours) => new()
    {
        IncidentA = a.Id, IncidentB = b.Id, Reason = reason, Category = a.Category == b.Category ? a.Category : "",
        Enterprise = reason == "same_enterprise" ? a.Enterprise : "", DistanceKm = Math.Round(km ?? -1, 3), HoursApart = Math.Round(hours, 2),
    };

    private static double? Distance(IncidentFacts a, IncidentFacts b) =>
        a.Latitude is { } lat1 && a.Longitude is { } lon1 && b.Latitude is { } lat2 && b.Longitude is { } lon2 ? DistrictMap.Haversine(lat1, lon1, lat2, lon2) : null;

    private static string Normalise(string name) => string.Concat(name.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
}
