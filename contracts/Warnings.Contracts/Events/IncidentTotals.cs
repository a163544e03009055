namespace Warnings.Contracts.Events;

/// <summary>
/// An incident's counts to date, as a report gave them: deaths, injuries, losses and damage cumulative;
/// missing and trapped the current state.
/// </summary>
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
