using NodaTime;
using Warnings.Analysis.Projections;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Domain;
using Warnings.Core.Identity;

namespace Warnings.Analysis.Queries;

/// <summary>
/// The map views: per district, the highest active warning level per hazard (a city-wide warning
/// covers every district), and the four-colour risk from likelihood (highest active level) times
/// severity (worst open incident class).
/// </summary>
public static class SituationMap
{
    public static ActiveWarningsMap Warnings(IEnumerable<WarningFacts> warnings, Instant at, IReadOnlyDictionary<string, string> names)
    {
        var active = warnings.Where(w => w.ActiveAt(at)).OrderByDescending(w => Rank(w.Level)).ThenBy(w => w.Id, StringComparer.Ordinal).ToList();
        var map = new ActiveWarningsMap();
        foreach (var (district, name) in names.OrderBy(n => n.Key, StringComparer.Ordinal))
        {
            var here = active.Where(w => w.Districts.Contains(district) || w.Districts.Contains(Scopes.CityWide)).ToList();
            var row = new DistrictWarnings { District = district, Name = name, HighestLevel = Highest(here.Select(w => w.Level)) };
            foreach (var hazard in here.GroupBy(w => w.Hazard).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                row.Hazards.Add(new HazardLevel { Hazard = hazard.Key, Level = Highest(hazard.Select(w => w.Level)), WarningIds = { hazard.Select(w => w.Id) } });
            }

            map.Districts.Add(row);
        }

        map.Warnings.Add(active.Select(w => new ActiveWarning
        {
            WarningId = w.Id, Department = w.Department, Hazard = w.Hazard, Level = w.Level, Districts = { w.Districts }, Headline = w.Headline,
            Version = w.Version, ExpiresAt = w.ExpiresAt.ToTimestamp(),
        }));
        return map;
    }

    public static RiskPicture Risk(ActiveWarningsMap warnings, IEnumerable<IncidentFacts> incidents, RiskOptions options)
    {
        var open = incidents.Where(i => !i.Closed).ToList();
        var picture = new RiskPicture { BlueMax = options.BlueMax, YellowMax = options.YellowMax, OrangeMax = options.OrangeMax };
        foreach (var district in warnings.Districts)
        {
            int likelihood = options.LikelihoodByLevel.GetValueOrDefault(district.HighestLevel, 1);
            var worst = open.Where(i => i.District == district.District).OrderByDescending(i => IncidentFacts.Rank(i.SeverityClass)).FirstOrDefault();
            int severity = worst is null ? 1 : options.SeverityByClass.GetValueOrDefault(worst.SeverityClass, 1);
            int score = likelihood * severity;
            picture.Districts.Add(new DistrictRisk
            {
                District = district.District, Name = district.Name, Likelihood = likelihood, Severity = severity, Score = score,
                Colour = score <= options.BlueMax ? "blue" : score <= options.YellowMax ? "yellow" : score <= options.OrangeMax ? "orange" : "red",
                Reason = $"{(district.HighestLevel.Length > 0 ? $"{district.HighestLevel} warning" : "no warning")} x {(worst is null ? "no open incident" : $"class {worst.SeverityClass} incident {worst.Id}")}",
            });
        }

        return picture;
    }

    private static int Rank(string level) => WarningLevels.Rank(level);

    private static string Highest(IEnumerable<string> levels) => levels.Where(WarningLevels.IsKnown).OrderByDescending(WarningLevels.Rank).FirstOrDefault() ?? "";
}
