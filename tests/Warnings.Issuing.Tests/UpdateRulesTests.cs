using Warnings.Contracts.V1;
using Warnings.Issuing.Domain;

namespace Warnings.Issuing.Tests;

public class UpdateRulesTests
{
    private static WarningContent Content(string level, string[] districts, string[] channels) =>
        new() { Hazard = "typhoon", Level = level, Districts = { districts }, Channels = { channels } };

    [Fact]
    public void Raising_the_level_widening_the_area_or_adding_channels_escalates()
    {
        var current = Content("blue", ["310101"], ["website"]);

        var escalations = UpdateRules.Escalations(current, Content("yellow", ["310000"], ["website", "sms", "tv"]));

        Assert.Equal(["level blue -> yellow", "districts added: 310000", "channels added: sms, tv"], escalations);
        Assert.Equal(["new polygons or circles"], UpdateRules.Escalations(current, new WarningContent(Content("blue", ["310101"], ["website"]))
        {
            Circles = { new Circle { Center = new GeoPoint { Latitude = 31.2, Longitude = 121.4 }, RadiusKm = 3 } },
        }));
    }

    [Fact]
    public void A_downgrade_a_smaller_area_or_fewer_channels_does_not()
    {
        var current = Content("orange", ["310000"], ["sms", "tv", "website"]);

        Assert.Empty(UpdateRules.Escalations(current, Content("yellow", ["310101", "310104"], ["website"])));
        Assert.Empty(UpdateRules.Escalations(current, current));
    }
}
