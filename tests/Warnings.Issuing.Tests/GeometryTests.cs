using Warnings.Contracts.V1;
using Warnings.Issuing.Domain;

namespace Warnings.Issuing.Tests;

public class GeometryTests
{
    private static List<GeoPoint> Points(params (double Lat, double Lon)[] points) => points.Select(p => new GeoPoint { Latitude = p.Lat, Longitude = p.Lon }).ToList();

    [Fact]
    public void A_closed_square_is_fine()
    {
        var square = Points((31.2, 121.4), (31.2, 121.5), (31.3, 121.5), (31.3, 121.4), (31.2, 121.4));

        Assert.True(Geometry.IsClosed(square));
        Assert.False(Geometry.SelfIntersects(square));
    }

    [Fact]
    public void An_open_ring_or_too_few_points_is_not_closed()
    {
        Assert.False(Geometry.IsClosed(Points((31.2, 121.4), (31.2, 121.5), (31.3, 121.5), (31.3, 121.4))));
        Assert.False(Geometry.IsClosed(Points((31.2, 121.4), (31.2, 121.5), (31.2, 121.4))));
    }

    [Fact]
    public void A_bow_tie_crosses_itself()
    {
        Assert.True(Geometry.SelfIntersects(Points((31.2, 121.4), (31.3, 121.5), (31.3, 121.4), (31.2, 121.5), (31.2, 121.4))));
    }

    [Fact]
    public void An_edge_doubling_back_along_another_touches_it()
    {
        Assert.True(Geometry.SelfIntersects(Points((31.2, 121.4), (31.2, 121.6), (31.3, 121.6), (31.2, 121.5), (31.2, 121.3), (31.2, 121.4))));
    }

    [Theory]
    [InlineData(91, 121)]
    [InlineData(31, 181)]
    [InlineData(double.NaN, 121)]
    public void Points_off_the_earth_are_refused(double latitude, double longitude)
    {
        Assert.False(Geometry.IsOnEarth(new GeoPoint { Latitude = latitude, Longitude = longitude }));
    }
}
