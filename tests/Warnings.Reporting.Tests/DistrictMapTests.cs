using Warnings.Reporting.Domain;

namespace Warnings.Reporting.Tests;

public class DistrictMapTests
{
    private static readonly DistrictMap Map = new(DistrictMap.DefaultPath);

    [Fact]
    public void All_sixteen_districts_are_known()
    {
        foreach (var code in new[] { "310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112", "310113", "310114", "310115", "310116", "310117", "310118", "310120", "310151" })
        {
            Assert.True(Map.Knows(code), code);
        }
    }

    [Fact]
    public void A_point_on_the_bund_is_in_huangpu_and_the_city()
    {
        Assert.True(Map.InDistrict("310101", 31.2304, 121.4737));
        Assert.True(Map.InCity(31.2304, 121.4737));
        Assert.Equal(0, Map.DistanceKm("310101", 31.2304, 121.4737));
    }

    [Fact]
    public void Beijing_is_outside_the_city_and_chongming_is_far_from_huangpu()
    {
        Assert.False(Map.InCity(39.9, 116.4));
        Assert.True(Map.InDistrict("310151", 31.62, 121.40));
        Assert.True(Map.DistanceKm("310101", 31.62, 121.40) > 30);
    }
}
