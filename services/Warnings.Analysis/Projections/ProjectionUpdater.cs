using MassTransit;
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

/// <summary>Computes projection records from the stored documents: one at a time (live) or all of them (rebuild).</summary>
public sealed class Projector(ProjectionStore projections, IncidentRepository incidents, WarningRepository warnings)
{
    public async Task RefreshIncidentAsync(string incidentId)
    {
        if (await incidents.LoadAsync(incidentId) is { } loaded)
        {
            await projections.PutIncidentAsync(IncidentFacts.From(loaded.Document));
        }
    }

    public async Task RefreshWarningAsync(string warningId)
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
