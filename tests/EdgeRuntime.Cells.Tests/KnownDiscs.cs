using EdgeRuntime.Cells;

namespace EdgeRuntime.Cells.Tests;

/// <summary>
/// Discs of known centre, radius and class on an image, some pairs touching (centres closer than the sum of their
/// radii): the true instance map (a pixel of two discs goes to the one it is deeper inside) and the maps a perfect
/// head would predict: nucleus probability, distance (1 at the centre, 0 at the edge), HoVer-Net's horizontal and
/// vertical offsets, class probabilities.
/// </summary>
internal sealed class KnownDiscs
{
    public const int Classes = 3;

    public KnownDiscs(int width, int height, int seed, int discs = 24, int touchingPairs = 6)
    {
        (Width, Height) = (width, height);
        var random = new Random(seed);
        var list = new List<(double X, double Y, double R, int Class)>();
        var attempts = 0;
        while (list.Count < discs && attempts++ < 10_000)
        {
            var r = 5 + (random.NextDouble() * 5);
            double x = r + 2 + (random.NextDouble() * (width - (2 * r) - 4)), y = r + 2 + (random.NextDouble() * (height - (2 * r) - 4));
            var touching = list.Count % 2 == 1 && TouchingPairs < touchingPairs;
            if (touching)
            {
                // Next to the previous disc, overlapping it by 15 % of the summed radii.
                var (px, py, pr, _) = list[^1];
                var angle = random.NextDouble() * 2 * Math.PI;
                x = px + (Math.Cos(angle) * 0.85 * (pr + r));
                y = py + (Math.Sin(angle) * 0.85 * (pr + r));
                if (x < r + 2 || y < r + 2 || x > width - r - 2 || y > height - r - 2 || list.Take(list.Count - 1).Any(d => double.Hypot(d.X - x, d.Y - y) < d.R + r + 3))
                {
                    continue;
                }
            }
            else if (list.Any(d => double.Hypot(d.X - x, d.Y - y) < d.R + r + 3))
            {
                continue;
            }

            TouchingPairs += touching ? 1 : 0;
            list.Add((x, y, r, random.Next(Classes)));
        }

        Discs = list;
        var n = width * height;
        Labels = new int[n];
        Foreground = new float[n];
        Distance = new float[n];
        Horizontal = new float[n];
        Vertical = new float[n];
        ClassProbabilities = new float[Classes * n];
        for (var i = 0; i < n; i++)
        {
            double px = (i % width) + 0.5, py = (i / width) + 0.5;
            var best = -1;
            var depth = 0.0;
            for (var d = 0; d < list.Count; d++)
            {
                var inside = 1 - (double.Hypot(px - list[d].X, py - list[d].Y) / list[d].R);
                if (inside > depth)
                {
                    (best, depth) = (d, inside);
                }
            }

            Foreground[i] = best >= 0 ? 0.95f : 0.05f;
            for (var c = 0; c < Classes; c++)
            {
                ClassProbabilities[(c * n) + i] = best >= 0 && list[best].Class == c ? 0.8f : 0.1f;
            }

            if (best < 0)
            {
                continue;
            }

            Labels[i] = best + 1;
            Distance[i] = (float)depth;
            Horizontal[i] = (float)((px - list[best].X) / list[best].R);
            Vertical[i] = (float)((py - list[best].Y) / list[best].R);
        }
    }

    public int Width { get; }

    public int Height { get; }

    public IReadOnlyList<(double X, double Y, double R, int Class)> Discs { get; }

    public int TouchingPairs { get; private set; }

    public int[] Labels { get; }

    public float[] Foreground { get; }

    public float[] Distance { get; }

    public float[] Horizontal { get; }

    public float[] Vertical { get; }

    public float[] ClassProbabilities { get; }

    public CellMaps DistanceMaps() => new(Width, Height, Foreground, Distance, null, null, ClassProbabilities, Classes);

    public CellMaps HvMaps() => new(Width, Height, Foreground, null, Horizontal, Vertical, ClassProbabilities, Classes);
}
