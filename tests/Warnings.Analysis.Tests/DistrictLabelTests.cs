using Warnings.Analysis.Dashboard;
using Warnings.Reporting.Domain;

namespace Warnings.Analysis.Tests;

/// <summary>The district names on the dashboard map, laid out on the platform's own boundaries.</summary>
public class DistrictLabelTests
{
    private static readonly DistrictMap Map = new(DistrictMap.DefaultPath);
    private static readonly MapProjection Projection = new(Map);
    private static readonly IReadOnlyList<DistrictLabel> Labels = DistrictLabels.Layout(Map, Projection);

    [Fact]
    public void Every_district_has_one_label()
    {
        Assert.Equal(Map.Districts.Select(d => d.Code), Labels.Select(l => l.Code));
    }

    [Fact]
    public void No_two_labels_overlap()
    {
        var overlaps = Labels.SelectMany((a, i) => Labels.Skip(i + 1).Where(b => a.Box.Overlaps(b.Box)).Select(b => $"{a.Text}/{b.Text}")).ToList();

        Assert.Empty(overlaps);
    }

    [Fact]
    public void Labels_stay_on_the_map()
    {
        Assert.All(Labels, l => Assert.True(l.Box.Within(0, 0, MapProjection.Width, Projection.Height), $"{l.Text} is off the map"));
    }

    [Fact]
    public void A_label_inside_its_district_sits_inside_it_and_one_outside_points_back_with_a_leader()
    {
        foreach (var label in Labels)
        {
            var (x, y) = label.Anchor ?? (label.X, label.Y);
            var (lon, lat) = Unproject(x, y);
            Assert.True(Map.InDistrict(label.Code, lat, lon), $"{label.Text} ({label.Code}) is anchored outside its district");
        }
    }

    [Fact]
    public void Jingan_and_Hongkou_no_longer_print_over_each_other()
    {
        var jingan = Labels.Single(l => l.Code == "310106");
        var hongkou = Labels.Single(l => l.Code == "310109");

        Assert.False(jingan.Box.Overlaps(hongkou.Box));
    }

    [Fact]
    public void The_big_districts_keep_their_full_names_at_full_size()
    {
        foreach (var code in new[] { "310115", "310151", "310112", "310117" })
        {
            var label = Labels.Single(l => l.Code == code);
            Assert.Equal(Map.Districts.Single(d => d.Code == code).Name, label.Text);
            Assert.Equal(DistrictLabels.FontSize, label.FontSize);
        }
    }

    // The projection's inverse, by bisection-free search: the projection is affine per axis.
    private static (double Lon, double Lat) Unproject(double x, double y)
    {
        var (x0, y0) = Projection.Project((121, 31));
        var (x1, y1) = Projection.Project((122, 32));
        return (121 + ((x - x0) / (x1 - x0)), 31 + ((y - y0) / (y1 - y0)));
    }
}
