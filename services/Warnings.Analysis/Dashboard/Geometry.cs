namespace Warnings.Analysis.Dashboard;

/// <summary>Plane geometry of a district's ring in map units, for placing its label.</summary>
internal static class Geometry
{
    /// <summary>Signed area (shoelace).</summary>
    public static double Area((double X, double Y)[] ring)
    {
        double sum = 0;
        for (int i = 0, j = ring.Length - 1; i < ring.Length; j = i++)
        {
            sum += (ring[j].X * ring[i].Y) - (ring[i].X * ring[j].Y);
        }

        return sum / 2;
    }

    public static bool Inside((double X, double Y)[] ring, double x, double y)
    {
        bool inside = false;
        for (int i = 0, j = ring.Length - 1; i < ring.Length; j = i++)
        {
            if ((ring[i].Y > y) != (ring[j].Y > y) && x < ((ring[j].X - ring[i].X) * (y - ring[i].Y) / (ring[j].Y - ring[i].Y)) + ring[i].X)
            {
                inside = !inside;
            }
        }

        return inside;
    }

    /// <summary>Distance from the point to the ring's nearest edge.</summary>
    public static double DistanceToEdge((double X, double Y)[] ring, double x, double y)
    {
        double best = double.MaxValue;
        for (int i = 0, j = ring.Length - 1; i < ring.Length; j = i++)
        {
            var (ax, ay) = ring[j];
            var (bx, by) = ring[i];
            double dx = bx - ax, dy = by - ay, length = (dx * dx) + (dy * dy);
            double t = length == 0 ? 0 : Math.Clamp((((x - ax) * dx) + ((y - ay) * dy)) / length, 0, 1);
            double px = ax + (t * dx) - x, py = ay + (t * dy) - y;
            best = Math.Min(best, (px * px) + (py * py));
        }

        return Math.Sqrt(best);
    }

    /// <summary>
    /// Points inside the ring, roomiest first: the first is the pole of inaccessibility (a grid
    /// search refined around the best cell, as polylabel does with its cell queue), the rest are
    /// other roomy grid points at least a few cells apart.
    /// </summary>
    public static IEnumerable<(double X, double Y)> InteriorPoints((double X, double Y)[] ring)
    {
        double left = ring.Min(p => p.X), right = ring.Max(p => p.X), top = ring.Min(p => p.Y), bottom = ring.Max(p => p.Y);
        double step = Math.Max(right - left, bottom - top) / 32;
        var grid = new List<(double X, double Y, double Room)>();
        for (double x = left + (step / 2); x < right; x += step)
        {
            for (double y = top + (step / 2); y < bottom; y += step)
            {
                if (Inside(ring, x, y))
                {
                    grid.Add((x, y, DistanceToEdge(ring, x, y)));
                }
            }
        }

        if (grid.Count == 0)
        {
            yield return (ring.Average(p => p.X), ring.Average(p => p.Y));
            yield break;
        }

        grid.Sort((a, b) => b.Room.CompareTo(a.Room));
        var pole = grid[0];
        for (double fine = step / 4; fine > step / 64; fine /= 4)
        {
            var centre = pole;
            for (int i = -4; i <= 4; i++)
            {
                for (int j = -4; j <= 4; j++)
                {
                    double x = centre.X + (i * fine), y = centre.Y + (j * fine);
                    if (Inside(ring, x, y) && DistanceToEdge(ring, x, y) is var room && room > pole.Room)
                    {
                        pole = (x, y, room);
                    }
                }
            }
        }

        yield return (pole.X, pole.Y);
        var chosen = new List<(double X, double Y)> { (pole.X, pole.Y) };
        foreach (var (x, y, _) in grid)
        {
            if (chosen.All(c => Math.Abs(c.X - x) + Math.Abs(c.Y - y) >= 3 * step))
            {
                chosen.Add((x, y));
                yield return (x, y);
            }
        }
    }
}
