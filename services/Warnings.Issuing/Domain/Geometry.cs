using Warnings.Contracts.V1;

namespace Warnings.Issuing.Domain;

/// <summary>Checks of warning areas drawn by hand: a polygon must be closed and its edges must not cross.</summary>
public static class Geometry
{
    public const double MaxRadiusKm = 200;

    public static bool IsOnEarth(GeoPoint point) =>
        point is { Latitude: >= -90 and <= 90, Longitude: >= -180 and <= 180 } && double.IsFinite(point.Latitude) && double.IsFinite(point.Longitude);

    /// <summary>At least 4 points (a triangle and its closing point), the last equal to the first.</summary>
    public static bool IsClosed(IReadOnlyList<GeoPoint> points) => points.Count >= 4 && points[0].Equals(points[^1]);

    /// <summary>True when two edges that do not share an end cross or touch (a bow-tie, a loop).</summary>
    public static bool SelfIntersects(IReadOnlyList<GeoPoint> points)
    {
        int edges = points.Count - 1;
        for (int i = 0; i < edges; i++)
        {
            for (int j = i + 2; j < edges; j++)
            {
                if (i == 0 && j == edges - 1)
                {
                    continue; // the first and last edges meet at the closing point
                }

                if (Intersect(points[i], points[i + 1], points[j], points[j + 1]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // Segment intersection by orientation, collinear overlaps included; longitude as x, latitude as y.
    private static bool Intersect(GeoPoint a, GeoPoint b, GeoPoint c, GeoPoint d)
    {
        int o1 = Orientation(a, b, c), o2 = Orientation(a, b, d), o3 = Orientation(c, d, a), o4 = Orientation(c, d, b);
        if (o1 != o2 && o3 != o4)
        {
            return true;
        }

        return (o1 == 0 && OnSegment(a, c, b)) || (o2 == 0 && OnSegment(a, d, b)) || (o3 == 0 && OnSegment(c, a, d)) || (o4 == 0 && OnSegment(c, b, d));
    }

    private static int Orientation(GeoPoint p, GeoPoint q, GeoPoint r)
    {
        double value = ((q.Latitude - p.Latitude) * (r.Longitude - q.Longitude)) - ((q.Longitude - p.Longitude) * (r.Latitude - q.Latitude));
        return Math.Abs(value) < 1e-12 ? 0 : value > 0 ? 1 : 2;
    }

    private static bool OnSegment(GeoPoint p, GeoPoint q, GeoPoint r) =>
        q.Longitude <= Math.Max(p.Longitude, r.Longitude) && q.Longitude >= Math.Min(p.Longitude, r.Longitude)
        && q.Latitude <= Math.Max(p.Latitude, r.Latitude) && q.Latitude >= Math.Min(p.Latitude, r.Latitude);
}
