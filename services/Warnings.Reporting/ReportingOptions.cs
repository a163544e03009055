namespace Warnings.Reporting;

/// <summary>Bound from the <c>Reporting</c> section.</summary>
public sealed class ReportingOptions
{
    /// <summary>A count growing by more than this factor (and by 10 or more) needs a stated reason.</summary>
    public double CountJumpFactor { get; set; } = 5;

    /// <summary>A location farther than this from the named district is refused.</summary>
    public double FarFromDistrictKm { get; set; } = 3;

    /// <summary>How far in the future occurred-at may be (clock skew between devices).</summary>
    public TimeSpan FutureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often open incidents are compared with the clock for overdue reports.</summary>
    public TimeSpan OverdueScanInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The district boundaries; default the file shipped beside the binary.</summary>
    public string? DistrictMapPath { get; set; }
}
