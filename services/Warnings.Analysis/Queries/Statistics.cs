using System.Globalization;
using NodaTime;
using Warnings.Analysis.Projections;
using Warnings.Contracts.V1;

namespace Warnings.Analysis.Queries;

/// <summary>
/// Incidents that occurred in [from, to) counted by district x category x local period (day, month
/// or year in Asia/Shanghai), each row with the same district, category and period a year earlier
/// (the incidents of [from - 1 year, to - 1 year)). Deaths, injuries and losses are each incident's
/// latest cumulative totals.
/// </summary>
public static class Statistics
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public static StatisticsReport Compute(IReadOnlyList<IncidentFacts> incidents, Instant from, Instant to, StatisticsPeriod period)
    {
        var current = Group(OccurredIn(incidents, from, to), period, 0);
        var earlier = Group(OccurredIn(incidents, YearBefore(from), YearBefore(to)), period, 1);
        var report = new StatisticsReport { Total = new StatisticsValues(), TotalYearEarlier = new StatisticsValues() };
        foreach (var key in current.Keys.Union(earlier.Keys).OrderBy(k => k.Period, StringComparer.Ordinal).ThenBy(k => k.District, StringComparer.Ordinal).ThenBy(k => k.Category, StringComparer.Ordinal))
        {
            var row = new StatisticsRow
            {
                District = key.District, Category = key.Category, Period = key.Period,
                Values = current.GetValueOrDefault(key) ?? new StatisticsValues(),
                YearEarlier = earlier.GetValueOrDefault(key) ?? new StatisticsValues(),
            };
            report.Rows.Add(row);
            Add(report.Total, row.Values);
            Add(report.TotalYearEarlier, row.YearEarlier);
        }

        return report;
    }

    /// <summary>The incidents that occurred in [from, to): the incidents a period's statistics count.</summary>
    public static IEnumerable<IncidentFacts> OccurredIn(IEnumerable<IncidentFacts> incidents, Instant from, Instant to) =>
        incidents.Where(i => i.OccurredAt >= from && i.OccurredAt < to);

    // Keyed by the period label of the current range: incidents a year earlier are shifted forward one year.
    private static Dictionary<(string District, string Category, string Period), StatisticsValues> Group(IEnumerable<IncidentFacts> incidents, StatisticsPeriod period, int yearsBack)
    {
        var groups = new Dictionary<(string, string, string), StatisticsValues>();
        foreach (var incident in incidents)
        {
            var local = incident.OccurredAt.InZone(Shanghai).LocalDateTime.PlusYears(yearsBack).Date;
            string label = period switch
            {
                StatisticsPeriod.Day => local.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture),
                StatisticsPeriod.Year => local.ToString("uuuu", CultureInfo.InvariantCulture),
                _ => local.ToString("uuuu-MM", CultureInfo.InvariantCulture),
            };
            var key = (incident.District, incident.Category, label);
            if (!groups.TryGetValue(key, out var values))
            {
                groups[key] = values = new StatisticsValues();
            }

            Add(values, new StatisticsValues
            {
                Incidents = 1, Deaths = incident.Deaths, Missing = incident.Missing, SeriouslyInjured = incident.SeriouslyInjured, DirectLossYuan = incident.DirectLossYuan,
            });
        }

        return groups;
    }

    private static Instant YearBefore(Instant instant) => instant.InZone(Shanghai).LocalDateTime.PlusYears(-1).InZoneLeniently(Shanghai).ToInstant();

    private static void Add(StatisticsValues into, StatisticsValues values)
    {
        into.Incidents += values.Incidents;
        into.Deaths += values.Deaths;
        into.Missing += values.Missing;
        into.SeriouslyInjured += values.SeriouslyInjured;
        into.DirectLossYuan += values.DirectLossYuan;
    }
}
