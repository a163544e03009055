using MassTransit;
using Warnings.Contracts.V1;
using Warnings.Core.Concurrency;
using Warnings.Contracts.Events;
using Warnings.Issuing.Storage;
using Warnings.Reporting.Storage;

namespace Warnings.Analysis.Projections;

/// <summary>
/// Keeps the projections current: every warning or incident event makes the record of the warning
/// or incident it names be recomputed from the stored document. The event says only "this changed",
/// so redeliveries, reordering and missed events between two later ones cannot make a record wrong.
/// </summary>
public sealed class ProjectionUpdater(Projector projector) :
    IConsumer<WarningPublished>, IConsumer<WarningUpdated>, IConsumer<WarningLifted>, IConsumer<WarningExpired>,
    IConsumer<IncidentReported>, IConsumer<IncidentReportCorrected>, IConsumer<IncidentEscalated>, IConsumer<IncidentClosed>, IConsumer<ReportOverdue>
{
    public Task Consume(ConsumeContext<WarningPublished> context) => projector.RefreshWarningAsync(context.Message.Version.WarningId);

    public Task Consume(ConsumeContext<WarningUpdated> context) => projector.RefreshWarningAsync(context.Message.Version.WarningId);

    public Task Consume(ConsumeContext<WarningLifted> context) => projector.RefreshWarningAsync(context.Message.Version.WarningId);

    public Task Consume(ConsumeContext<WarningExpired> context) => projector.RefreshWarningAsync(context.Message.Version.WarningId);

    public Task Consume(ConsumeContext<IncidentReported> context) => projector.RefreshIncidentAsync(context.Message.IncidentId);

    public Task Consume(ConsumeContext<IncidentReportCorrected> context) => projector.RefreshIncidentAsync(context.Message.IncidentId);

    public Task Consume(ConsumeContext<IncidentEscalated> context) => projector.RefreshIncidentAsync(context.Message.IncidentId);

    public Task Consume(ConsumeContext<IncidentClosed> context) => projector.RefreshIncidentAsync(context.Message.IncidentId);

    public Task Consume(ConsumeContext<ReportOverdue> context) => projector.RefreshIncidentAsync(context.Message.IncidentId);
}

/// <summary>
/// Computes projection records from the stored documents: live, for the events of one moment together
/// (group commit: the documents named by every event waiting are read in one round trip, their records
/// in another, and the writes go out together; an incident named twice is computed once), or all of
/// them (rebuild). An event's consumer returns only once its record is written, so nothing is
/// acknowledged before it is projected.
/// </summary>
public sealed class Projector(ProjectionStore projections, IncidentRepository incidents, WarningRepository warnings)
{
    private const int MaxBatch = 128;
    // A failed group is taken again one id at a time (see GroupCommit), so one bad document (or one
    // record that keeps changing) fails its own event and not the others waiting with it.
    private GroupCommit<string, bool>? _incidentRefreshes, _warningRefreshes;

    public Task RefreshIncidentAsync(string incidentId) =>
        LazyInitializer.EnsureInitialized(ref _incidentRefreshes, () => Refreshes(RefreshIncidentsAsync, RefreshOneIncidentAsync)).CommitAsync(incidentId);

    public Task RefreshWarningAsync(string warningId) =>
        LazyInitializer.EnsureInitialized(ref _warningRefreshes, () => Refreshes(RefreshWarningsAsync, RefreshOneWarningAsync)).CommitAsync(warningId);

    private static GroupCommit<string, bool> Refreshes(Func<IReadOnlyList<string>, Task> together, Func<string, Task> alone) => new(
        async ids =>
        {
            await together(ids.Distinct().ToList());
            return new bool[ids.Count];
        },
        MaxBatch,
        async id =>
        {
            await alone(id);
            return true;
        });

    private async Task RefreshIncidentsAsync(IReadOnlyList<string> incidentIds)
    {
        var timelines = await incidents.LoadManyAsync(incidentIds);
        await projections.PutIncidentsAsync(timelines.OfType<IncidentTimeline>().Select(IncidentFacts.From).ToList());
    }

    private async Task RefreshWarningsAsync(IReadOnlyList<string> warningIds)
    {
        var histories = await warnings.LoadManyAsync(warningIds);
        await projections.PutWarningsAsync(histories.OfType<WarningHistory>().Select(WarningFacts.From).OfType<WarningFacts>().ToList());
    }

    private async Task RefreshOneIncidentAsync(string incidentId)
    {
        if (await incidents.LoadAsync(incidentId) is { } loaded)
        {
            await projections.PutIncidentAsync(IncidentFacts.From(loaded.Document));
        }
    }

    private async Task RefreshOneWarningAsync(string warningId)
    {
        if (await warnings.LoadAsync(warningId) is { } loaded && WarningFacts.From(loaded.Document) is { } facts)
        {
            await projections.PutWarningAsync(facts);
        }
    }

    /// <summary>Recomputes every record from the stored warnings and incidents; returns how many of each.</summary>
    public async Task<(int Incidents, int Warnings)> RebuildAsync()
    {
        int incidentCount = 0, warningCount = 0;
        foreach (var timeline in await incidents.AllAsync())
        {
            await projections.PutIncidentAsync(IncidentFacts.From(timeline), reindex: true);
            incidentCount++;
        }

        foreach (var history in await warnings.AllAsync())
        {
            if (WarningFacts.From(history) is { } facts)
            {
                await projections.PutWarningAsync(facts, reindex: true);
                warningCount++;
            }
        }

        return (incidentCount, warningCount);
    }
}
