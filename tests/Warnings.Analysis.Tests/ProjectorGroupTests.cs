using Google.Protobuf;
using Microsoft.Extensions.Options;
using NodaTime;
using Warnings.Analysis.Projections;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;
using Warnings.Issuing.Storage;
using Warnings.Reporting.Domain;
using Warnings.Reporting.Storage;

namespace Warnings.Analysis.Tests;

/// <summary>
/// The projector refreshes the events of one moment together, but each event keeps its own outcome:
/// one document that cannot be read fails its own event, and the others waiting with it are projected.
/// </summary>
public sealed class ProjectorGroupTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 12, 2, 4, 0);

    private static IncidentTimeline Incident(string id)
    {
        var rules = new ReportingRules { Categories = { new IncidentCategory { Code = "fire", Reportable = true, CorrectionWindowDays = 7 } } };
        var body = new ReportBody
        {
            Category = "fire", District = "310101", Address = "中山东一路", OccurredAt = T0.ToTimestamp(), ReportingUnit = "黄浦区应急管理局", Reporter = "王值班",
            Totals = new IncidentCounts { Deaths = 1 }, Account = "报告",
        };
        return IncidentLifeCycle.Open(id, body, new ReportContext("reporter", T0, rules, 1, 5)).Incident.Timeline;
    }

    [Fact]
    public async Task One_unreadable_document_fails_its_own_event_and_the_others_are_projected()
    {
        var store = new InMemoryStateStore(Options.Create(new StoreOptions()), SystemClock.Instance);
        var incidents = new IncidentRepository(store);
        var projections = new ProjectionStore(store);
        var projector = new Projector(projections, incidents, new WarningRepository(store));
        var ids = Enumerable.Range(0, 20).Select(i => $"i-{i}").ToList();
        foreach (var id in ids)
        {
            await store.SetAsync(incidents.Key(id), JsonFormatter.Default.Format(Incident(id)));
        }

        await store.SetAsync(incidents.Key("i-broken"), "{ not json");

        var refreshes = ids.Append("i-broken").Append("i-0").Select(id => (id, projector.RefreshIncidentAsync(id))).ToList();
        foreach (var (id, refresh) in refreshes)
        {
            if (id == "i-broken")
            {
                await Assert.ThrowsAnyAsync<Exception>(() => refresh);
            }
            else
            {
                await refresh;
            }
        }

        Assert.Equal(ids.Order(), (await projections.IncidentsAsync()).Select(f => f.Id).Order());
    }
}
