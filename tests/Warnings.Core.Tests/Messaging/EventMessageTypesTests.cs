using Warnings.Contracts.Events;
using Warnings.Core.Messaging;

namespace Warnings.Core.Tests.Messaging;

public sealed class EventMessageTypesTests
{
    [Fact]
    public void The_events_are_the_records_no_other_contains_so_their_parts_get_no_exchange()
    {
        // The events the modules commit today; a new one is added here when it is added to the contracts.
        Assert.Equal(
            [typeof(IncidentClosed), typeof(IncidentEscalated), typeof(IncidentReportCorrected), typeof(IncidentReported), typeof(ProbeSent),
             typeof(PublicationListChanged), typeof(ReportOverdue), typeof(WarningExpired), typeof(WarningLifted), typeof(WarningPublished), typeof(WarningUpdated)],
            EventMessageTypes.All);
        Assert.DoesNotContain(typeof(PublishedWarningVersion), EventMessageTypes.All);
        Assert.DoesNotContain(typeof(GeoCoordinate), EventMessageTypes.All); // inside a list inside a part
        Assert.DoesNotContain(typeof(IncidentTotals), EventMessageTypes.All);
        Assert.All(EventMessageTypes.All, t => Assert.Equal(typeof(WarningPublished).Namespace, t.Namespace));
    }
}
