using System.Globalization;
using System.Net;
using System.Text;
using Warnings.Reporting.Domain;

namespace Warnings.Analysis.Dashboard;

/// <summary>
/// Draws the districts as one SVG (from the boundaries in the district map), once: an
/// equirectangular projection scaled by cos(latitude), so Shanghai keeps its shape at this size.
/// Each district is a <c>path</c> with <c>data-district</c> the page colours, and a label.
/// </summary>
public static class DistrictSvg
{
    public static string Render(DistrictMap map)
    {
        var districts = map.Districts;
        var points = districts.SelectMany(d => map.Rings(d.Code)).SelectMany(r => r).ToList();
        double minLon = points.Min(p => p.Lon), maxLon = points.Max(p => p.Lon), minLat = points.Min(p => p.Lat), maxLat = points.Max(p => p.Lat);
        double xScale = Math.Cos(double.DegreesToRadians((minLat + maxLat) / 2));
        const double width = 1000;
        double scale = width / ((maxLon - minLon) * xScale);
        double height = (maxLat - minLat) * scale;
        string X(double lon) => ((lon - minLon) * xScale * scale).ToString("0.#", CultureInfo.InvariantCulture);
        string Y(double lat) => ((maxLat - lat) * scale).ToString("0.#", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"map\" viewBox=\"-10 -10 {width + 20:0} {height + 20:0}\" role=\"img\" aria-label=\"上海市各区\" xmlns=\"http://www.w3.org/2000/svg\">");
        foreach (var (code, name) in districts)
        {
            var rings = map.Rings(code);
            svg.Append(CultureInfo.InvariantCulture, $"<path class=\"district\" data-district=\"{code}\" data-level=\"\" fill=\"#3a3f47\" d=\"");
            foreach (var ring in rings)
            {
                svg.Append('M').AppendJoin('L', ring.Select(p => $"{X(p.Lon)},{Y(p.Lat)}")).Append('Z');
            }

            svg.Append(CultureInfo.InvariantCulture, $"\"><title>{WebUtility.HtmlEncode(name)}</title></path>");
        }

        foreach (var (code, name) in districts)
        {
            // The label sits at the centre of the district's largest ring.
            var ring = map.Rings(code).OrderByDescending(r => r.Length).First();
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" data-label=\"{code}\" x=\"{X(ring.Average(p => p.Lon))}\" y=\"{Y(ring.Average(p => p.Lat))}\">{WebUtility.HtmlEncode(name)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }
}
