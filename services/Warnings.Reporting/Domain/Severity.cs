using Warnings.Contracts.V1;

namespace Warnings.Reporting.Domain;

/// <summary>
/// Incident severity classes (生产安全事故报告和调查处理条例 Art. 3): the worst of deaths, serious
/// injuries and direct loss decides; each bound includes its value ("以上" includes the bound).
/// <list type="table">
/// <item>I 特别重大: deaths >= 30, serious injuries >= 100, loss >= 100 M CNY</item>
/// <item>II 重大: 10-29, 50-99, 50 M to under 100 M</item>
/// <item>III 较大: 3-9, 10-49, 10 M to under 50 M</item>
/// <item>IV 一般: below all of those</item>
/// </list>
/// </summary>
public static class Severity
{
    public const string I = "I";
    public const string II = "II";
    public const string III = "III";
    public const string IV = "IV";

    public static string Classify(int deaths, int seriouslyInjured, long directLossYuan)
    {
        int rank = Math.Max(ByDeaths(deaths), Math.Max(ByInjuries(seriouslyInjured), ByLoss(directLossYuan)));
        return rank switch { 4 => I, 3 => II, 2 => III, _ => IV };
    }

    /// <summary>The class of a report's counts (none given: IV).</summary>
    public static string Of(IncidentCounts? totals) => Classify(totals?.Deaths ?? 0, totals?.SeriouslyInjured ?? 0, totals?.DirectLossYuan ?? 0);

    /// <summary>4 for I (worst) down to 1 for IV.</summary>
    public static int Rank(string severityClass) => severityClass switch { I => 4, II => 3, III => 2, _ => 1 };

    private static int ByDeaths(int deaths) => deaths >= 30 ? 4 : deaths >= 10 ? 3 : deaths >= 3 ? 2 : 1;

    private static int ByInjuries(int injured) => injured >= 100 ? 4 : injured >= 50 ? 3 : injured >= 10 ? 2 : 1;

    private static int ByLoss(long yuan) => yuan >= 100_000_000 ? 4 : yuan >= 50_000_000 ? 3 : yuan >= 10_000_000 ? 2 : 1;
}
