using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Warnings.Reporting.Domain;

namespace Warnings.Analysis.Dashboard;

/// <summary>
/// Draws the districts as one SVG (from the boundaries in the district map, see
/// <see cref="MapProjection"/>), once per map. Each district is a <c>path</c> with
/// <c>data-district</c> the page colours, and a label placed by <see cref="DistrictLabels"/> (with a
/// leader line when it sits outside its district).
/// </summary>
public static class DistrictSvg
{
    private static readonly ConditionalWeakTable<DistrictMap, string> Drawn = [];

    public static string Render(DistrictMap map) => Drawn.GetValue(map, Draw);

    private static string Draw(DistrictMap map)
    {
        var projection = new MapProjection(map);
        static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"map\" viewBox=\"-10 -10 {MapProjection.Width + 20:0} {projection.Height + 20:0}\" role=\"img\" aria-label=\"上海市各区\" xmlns=\"http://www.w3.org/2000/svg\">");
        foreach (var (code, name) in map.Districts)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<path class=\"district\" data-district=\"{code}\" data-level=\"\" fill=\"#3a3f47\" d=\"");
            foreach (var ring in projection.Rings(map, code))
            {
                svg.Append('M').AppendJoin('L', ring.Select(p => $"{N(p.X)},{N(p.Y)}")).Append('Z');
            }

            svg.Append(CultureInfo.InvariantCulture, $"\"><title>{WebUtility.HtmlEncode(name)}</title></path>");
        }

        var labels = DistrictLabels.Layout(map, projection);
        foreach (var label in labels.Where(l => l.Anchor is not null))
        {
            var (x, y) = label.Anchor!.Value;
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"leader\" x1=\"{N(x)}\" y1=\"{N(y)}\" x2=\"{N(label.X)}\" y2=\"{N(label.Y)}\"/>");
        }

        foreach (var label in labels)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<text class=\"label\" data-label=\"{label.Code}\" x=\"{N(label.X)}\" y=\"{N(label.Y)}\" font-size=\"{N(label.FontSize)}\">{WebUtility.HtmlEncode(label.Text)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }
}
