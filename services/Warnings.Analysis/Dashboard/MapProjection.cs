using Warnings.Reporting.Domain;

namespace Warnings.Analysis.Dashboard;

/// <summary>
/// Longitude/latitude to the dashboard map's SVG units: an equirectangular projection scaled by
/// cos(latitude), so Shanghai keeps its shape, <see cref="Width"/> units wide and y pointing down.
/// </summary>
public sealed class MapProjection
{
    public const double Width = 1000;

    private readonly double _minLon, _maxLat, _xScale, _scale;

    public MapProjection(DistrictMap map)
    {
        var points = map.Districts.SelectMany(d => map.Rings(d.Code)).SelectMany(r => r).ToList();
        _minLon = points.Min(p => p.Lon);
        _maxLat = points.Max(p => p.Lat);
        double maxLon = points.Max(p => p.Lon), minLat = points.Min(p => p.Lat);
        _xScale = Math.Cos(double.DegreesToRadians((minLat + _maxLat) / 2));
        _scale = Width / ((maxLon - _minLon) * _xScale);
        Height = (_maxLat - minLat) * _scale;
    }

    public double Height { get; }

    public (double X, double Y) Project((double Lon, double Lat) point) => ((point.Lon - _minLon) * _xScale * _scale, (_maxLat - point.Lat) * _scale);

    /// <summary>The district's rings in map units.</summary>
    public IReadOnlyList<(double X, double Y)[]> Rings(DistrictMap map, string district) =>
        map.Rings(district).Select(r => r.Select(Project).ToArray()).ToList();
}
