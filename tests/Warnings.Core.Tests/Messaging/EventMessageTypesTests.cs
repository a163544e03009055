using Warnings.Contracts.Events;
using Warnings.Core.Messaging;

namespace Warnings.Core.Tests.Messaging;

public sealed class EventMessageTypesTests
{
    [Fact]
    public void The_events_are_the_records_no_other_contains_so_their_parts_get_no_exchange()
    {
        Assert.Contains(typeof(WarningPublished), EventMessageTypes.All);
        Assert.Contains(typeof(IncidentReported), EventMessageTypes.All);
        Assert.Contains(typeof(PublicationListChanged), EventMessageTypes.All); // consumed by no module, relayed all the same
        Assert.Contains(typeof(ProbeSent), EventMessageTypes.All);
        Assert.DoesNotContain(typeof(PublishedWarningVersion), EventMessageTypes.All);
        Assert.DoesNotContain(typeof(GeoCoordinate), EventMessageTypes.All); // inside a list inside a part
        Assert.DoesNotContain(typeof(IncidentTotals), EventMessageTypes.All);
        Assert.All(EventMessageTypes.All, t => Assert.Equal(typeof(WarningPublished).Namespace, t.Namespace));
    }
}
