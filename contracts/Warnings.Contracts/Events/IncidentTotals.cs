namespace Warnings.Contracts.Events;

/// <summary>An incident's cumulative counts to date, as the latest report gave them.</summary>
public sealed record IncidentTotals(
    int Deaths,
    int Missing,
    int SeriouslyInjured,
    int Trapped,
    int AffectedPopulation,
    int Relocated,
    int HousesCollapsed,
    int HousesDamaged,
    double CropAreaHectares,
    long DirectLossYuan);
