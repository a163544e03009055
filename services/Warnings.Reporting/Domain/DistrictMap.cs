using System.Text.Json;

namespace Warnings.Reporting.Domain;

/// <summary>
/// Shanghai's district boundaries (infra/data/shanghai-districts.geojson, ~100 m precision): is a
/// point in the city, in a given district, and how far from it. Outer rings only; islands count.
/// </summary>
public sealed class DistrictMap
{
    private readonly Dictionary<string, List<(double Lon, double Lat)[]>> _rings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    public DistrictMap(string geoJsonPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(geoJsonPath));
        foreach (var feature in document.RootElement.GetProperty("features").EnumerateArray())
        {
            string code = feature.GetProperty("properties").GetProperty("code").GetString()!;
            _names[code] = feature.GetProperty("properties").TryGetProperty("name", out var name) ? name.GetString() ?? code : code;
            var geometry = feature.GetProperty("geometry");
            var polygons = geometry.GetProperty("type").GetString() == "MultiPolygon"
                ? geometry.GetProperty("coordinates").EnumerateArray().ToList()
                : [geometry.GetProperty("coordinates")];
            _rings[code] = polygons.Select(p => p.EnumerateArray().First().EnumerateArray()
                .Select(c => (c[0].GetDouble(), c[1].GetDouble())).ToArray()).ToList();
        }
    }

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "data", "shanghai-districts.geojson");

    public bool Knows(string district) => _rings.ContainsKey(district);

    /// <summary>Every district's code and name, in code order.</summary>
    public IReadOnlyList<(string Code, string Name)> Districts => _names.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => (n.Key, n.Value)).ToList();

    /// <summary>The district's outer rings (longitude, latitude), for drawing it.</summary>
    public IReadOnlyList<(double Lon, double Lat)[]> Rings(string district) => _rings[district];

    public bool InCity(double latitude, double longitude) => _rings.Keys.Any(d => InDistrict(d, latitude, longitude));

    public bool InDistrict(string district, double latitude, double longitude) =>
        _rings.TryGetValue(district, out var rings) && rings.Any(ring => Inside(ring, longitude, latitude));

    /// <summary>Approximate distance in km from the point to the district's boundary (its nearest vertex); 0 inside.</summary>
    public double DistanceKm(string district, double latitude, double longitude) =>
        InDistrict(district, latitude, longitude) ? 0
        : _rings[district].SelectMany(r => r).Min(v => Haversine(latitude, longitude, v.Lat, v.Lon));

    private static bool Inside((double Lon, double Lat)[] ring, double x, double y)
    {
        bool inside = false;
        for (int i = 0, j = ring.Length - 1; i < ring.Length; j = i++)
        {
            if ((ring[i].Lat > y) != (ring[j].Lat > y)
                && x < ((ring[j].Lon - ring[i].Lon) * (y - ring[i].Lat) / (ring[j].Lat - ring[i].Lat)) + ring[i].Lon)
            {
                inside = !inside;
            }
        }

        return inside;
    }

    /// <summary>Great-circle distance in km between two points.</summary>
    public static double Haversine(double lat1, double lon1, double lat2, double lon2)
    {
        const double earthKm = 6371;
        double dLat = double.DegreesToRadians(lat2 - lat1), dLon = double.DegreesToRadians(lon2 - lon1);
        double a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(double.DegreesToRadians(lat1)) * Math.Cos(double.DegreesToRadians(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * earthKm * Math.Asin(Math.Sqrt(a));
    }
}
