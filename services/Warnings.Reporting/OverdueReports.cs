using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Commands;
using Warnings.Core.Hosting;
using Warnings.Core.Storage;
using Warnings.Reporting.Grpc;
using Warnings.Reporting.Storage;

namespace Warnings.Reporting;

/// <summary>
/// Flags open incidents whose next report is past due (by the injected <see cref="IClock"/>) and
/// emits <see cref="ReportOverdue"/> once per missed report: the command's request id is the
/// incident and its report count, so instances scanning together flag it once.
/// </summary>
public sealed class OverdueReports(
    Commands commands,
    IncidentRepository repository,
    IClock clock,
    IOptions<ReportingOptions> options,
    ILogger<OverdueReports> logger) : PeriodicScan(options.Value.OverdueScanInterval, logger)
{
    // Before the instance serves, so the one-time schedule migration never lands in the middle of its work.
    protected override Task PrepareAsync() => repository.ScheduleEarlierDocumentsAsync();

    /// <summary>How many incidents one scan flags at most (the next scan takes the rest).</summary>
    public const int MaxPerScan = 500;

    /// <summary>Flags every open incident whose next report is past due.</summary>
    public override async Task ScanAsync()
    {
        var now = clock.GetCurrentInstant();
        // Only the incidents on the schedule whose next report is due: never every incident ever stored.
        foreach (var id in await repository.DueIdsAsync(now, MaxPerScan))
        {
            if (await repository.LoadAsync(id) is not { Document.Incident: var incident }
                || incident.Closed || incident.Overdue || incident.NextReportDueAt is null || incident.NextReportDueAt.ToInstant() >= now)
            {
                continue;
            }

            await commands.RunAsync("system:Overdue", $"overdue-{incident.Id}-{incident.Reports}", null, async () =>
            {
                var (json, timeline) = (await repository.LoadAsync(incident.Id))!.Value;
                var current = timeline.Incident;
                if (current.Closed || current.Overdue || current.Reports != incident.Reports)
                {
                    return new CommandPlan<Incident>(current, [], [], []); // a report arrived meanwhile
                }

                current.Overdue = true;
                current.Revision++;
                timeline.Steps.Add(new WarningStep { At = now.ToTimestamp(), By = "platform", Action = "overdue", Note = $"report due {current.NextReportDueAt.ToInstant()}" });
                var (conditions, writes) = repository.Replace(incident.Id, json, timeline);
                return new CommandPlan<Incident>(
                    IncidentGrpcService.Present(current),
                    conditions,
                    writes,
                    [new ReportOverdue(current.Id, current.District, current.SeverityClass, current.NextReportDueAt.ToInstant(), now, current.Reports)]);
            });
            logger.LogInformation("Incident {IncidentId}: report overdue", incident.Id);
        }
    }
}
