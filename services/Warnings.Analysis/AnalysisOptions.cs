namespace Warnings.Analysis;

/// <summary>Bound from the <c>Analysis</c> section.</summary>
public sealed class AnalysisOptions
{
    public RiskOptions Risk { get; set; } = new();

    public RelatedOptions Related { get; set; } = new();

    public ExportOptions Exports { get; set; } = new();
}

/// <summary>Exports (CSV, xlsx).</summary>
public sealed class ExportOptions
{
    /// <summary>The most rows one dataset of an export holds; a larger one is refused (EXPORT_TOO_LARGE).</summary>
    public int MaxRows { get; set; } = Exports.ExportFile.DefaultMaxRows;
}

/// <summary>
/// The four-colour risk matrix: likelihood (1-5, from the highest active warning level) times
/// severity (1-5, from the worst open incident's class), banded. Defaults: 1-3 blue, 4-9 yellow,
/// 10-16 orange, 20-25 red.
/// </summary>
public sealed class RiskOptions
{
    public int BlueMax { get; set; } = 3;

    public int YellowMax { get; set; } = 9;

    public int OrangeMax { get; set; } = 16;

    /// <summary>Likelihood per warning level; no active warning is 1.</summary>
    public Dictionary<string, int> LikelihoodByLevel { get; set; } = new(StringComparer.Ordinal) { ["blue"] = 2, ["yellow"] = 3, ["orange"] = 4, ["red"] = 5 };

    /// <summary>Severity per incident class; no open incident is 1.</summary>
    public Dictionary<string, int> SeverityByClass { get; set; } = new(StringComparer.Ordinal) { ["IV"] = 2, ["III"] = 3, ["II"] = 4, ["I"] = 5 };
}

/// <summary>When two incidents are proposed as one event.</summary>
public sealed class RelatedOptions
{
    public double DistanceKm { get; set; } = 2;

    public int WindowHours { get; set; } = 24;
}
