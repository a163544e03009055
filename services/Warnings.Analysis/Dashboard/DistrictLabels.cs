using Warnings.Reporting.Domain;

namespace Warnings.Analysis.Dashboard;

/// <summary>A label's box in map units.</summary>
public sealed record LabelBox(double Left, double Top, double Right, double Bottom)
{
    public bool Overlaps(LabelBox other) => Left < other.Right && other.Left < Right && Top < other.Bottom && other.Top < Bottom;

    public bool Within(double left, double top, double right, double bottom) => Left >= left && Top >= top && Right <= right && Bottom <= bottom;
}

/// <summary>
/// Where a district's name goes: its centre (<see cref="X"/>, <see cref="Y"/>; the text is drawn
/// centred there), its size, and, when it had to move out of its district, the point inside the
/// district a leader line starts from.
/// </summary>
public sealed record DistrictLabel(string Code, string Text, double X, double Y, double FontSize, (double X, double Y)? Anchor)
{
    /// <summary>
    /// The box the text takes: CJK glyphs are one em wide, and a line (ascent and descent) about
    /// 1.45 em high: generous, so the rendered text stays inside it.
    /// </summary>
    public LabelBox Box
    {
        get
        {
            double halfWidth = Text.Length * FontSize / 2, halfHeight = FontSize * 1.45 / 2;
            return new LabelBox(X - halfWidth, Y - halfHeight, X + halfWidth, Y + halfHeight);
        }
    }
}

/// <summary>
/// Lays out the district names so that none overlap. Each name wants the district's pole of
/// inaccessibility (the interior point farthest from its border, where a label has the most room;
/// a plain centroid can fall near a border or outside a crescent). The most cramped districts (the
/// small central ones) are placed first; each takes the first of its candidates that overlaps no
/// label placed so far: the full name at the pole if the district has room for it, else the name
/// without "区", smaller, at the pole or elsewhere
/// inside, and last outside its district with a leader line.
/// </summary>
public static class DistrictLabels
{
    public const double FontSize = 26;
    public const double SmallFontSize = 20;

    public static IReadOnlyList<DistrictLabel> Layout(DistrictMap map, MapProjection projection)
    {
        var districts = map.Districts
            .Select(d => (d.Code, d.Name, Ring: projection.Rings(map, d.Code).MaxBy(r => Math.Abs(Geometry.Area(r)))!))
            .OrderBy(d => Math.Abs(Geometry.Area(d.Ring)))
            .ToList();
        var placed = new List<DistrictLabel>();
        foreach (var (code, name, ring) in districts)
        {
            var label = Candidates(code, name, ring).FirstOrDefault(c => Fits(c, placed, projection))
                ?? throw new InvalidOperationException($"No room for the label of district {code}.");
            placed.Add(label);
        }

        return placed.OrderBy(l => l.Code, StringComparer.Ordinal).ToList();
    }

    private static bool Fits(DistrictLabel label, List<DistrictLabel> placed, MapProjection projection) =>
        label.Box.Within(0, 0, MapProjection.Width, projection.Height) && !placed.Any(p => p.Box.Overlaps(label.Box) || (p.Anchor is { } a && Crosses(label.Box, a, (p.X, p.Y))));

    private static IEnumerable<DistrictLabel> Candidates(string code, string name, (double X, double Y)[] ring)
    {
        // "浦东新区" stays whole; "静安区" may become "静安", as the city's own maps do.
        string shortName = name.Length > 2 && name.EndsWith('区') && !name.EndsWith("新区", StringComparison.Ordinal) ? name[..^1] : name;
        var interior = Geometry.InteriorPoints(ring).ToList();
        var pole = interior[0];
        // A district too small to hold its full name (the central ones) gets the short name small,
        // so they all read alike rather than the first placed taking the big type.
        if (Geometry.DistanceToEdge(ring, pole.X, pole.Y) * 2 >= name.Length * FontSize * 0.8)
        {
            yield return new DistrictLabel(code, name, pole.X, pole.Y, FontSize, null);
            yield return new DistrictLabel(code, shortName, pole.X, pole.Y, FontSize, null);
        }

        foreach (var point in interior)
        {
            yield return new DistrictLabel(code, shortName, point.X, point.Y, SmallFontSize, null);
        }

        // Outside, around the district, ever farther: with a leader line back to the pole.
        for (double radius = 40; radius <= 240; radius += 25)
        {
            for (int step = 0; step < 16; step++)
            {
                double angle = step * Math.PI / 8;
                yield return new DistrictLabel(code, shortName, pole.X + (radius * Math.Cos(angle)), pole.Y + (radius * Math.Sin(angle)), SmallFontSize, pole);
            }
        }
    }

    // A leader line already drawn must not run under a new label (sampled along its length).
    private static bool Crosses(LabelBox box, (double X, double Y) from, (double X, double Y) to) =>
        Enumerable.Range(0, 21).Select(i => i / 20.0).Any(t =>
        {
            double x = from.X + ((to.X - from.X) * t), y = from.Y + ((to.Y - from.Y) * t);
            return x > box.Left && x < box.Right && y > box.Top && y < box.Bottom;
        });
}
