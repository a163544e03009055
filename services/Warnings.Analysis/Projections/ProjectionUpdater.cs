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
    private GroupCommit<string, Exception?>? _incidentRefreshes, _warningRefreshes;

    public async Task RefreshIncidentAsync(string incidentId) =>
        Rethrow(await LazyInitializer.EnsureInitialized(ref _incidentRefreshes, () => new(ids => EachOwnOutcomeAsync(ids, RefreshIncidentsAsync, RefreshOneIncidentAsync), MaxBatch))
            .CommitAsync(incidentId));

    public async Task RefreshWarningAsync(string warningId) =>
        Rethrow(await LazyInitializer.EnsureInitialized(ref _warningRefreshes, () => new(ids => EachOwnOutcomeAsync(ids, RefreshWarningsAsync, RefreshOneWarningAsync), MaxBatch))
            .CommitAsync(warningId));

    private static void Rethrow(Exception? failure)
    {
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    // The group in one go; if that fails, each id alone, so one bad document (or one record that keeps
    // changing) fails its own event and not the others waiting with it.
    private static async Task<IReadOnlyList<Exception?>> EachOwnOutcomeAsync(IReadOnlyList<string> ids, Func<IReadOnlyList<string>, Task> together, Func<string, Task> alone)
    {
        try
        {
            await together(ids.Distinct().ToList());
            return new Exception?[ids.Count];
        }
        catch (Exception) when (ids.Count > 1)
        {
            var outcomes = new Exception?[ids.Count];
            for (int i = 0; i < ids.Count; i++)
            {
                try
                {
                    await alone(ids[i]);
                }
                catch (Exception e)
                {
                    outcomes[i] = e;
                }
            }

            return outcomes;
        }
    }

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
