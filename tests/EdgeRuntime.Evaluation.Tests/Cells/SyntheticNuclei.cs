namespace EdgeRuntime.Evaluation.Tests.Cells;

/// <summary>
/// Generated truth and prediction pairs of nuclei (ellipses painted in order, so later ones overlap earlier ones and
/// touch): predictions shifted and resized, with missed nuclei, false positives, class mistakes, two touching nuclei
/// merged into one, one split in two, and empty images (both empty, truth only, prediction only).
/// </summary>
internal static class SyntheticNuclei
{
    public const int Classes = 3;

    public static (int[] Truth, int[] Prediction, long[] Shape) Make(int images, int side, int seed)
    {
        var random = new Random(seed);
        var truth = new int[images * side * side * 2];
        var prediction = new int[images * side * side * 2];
        for (var n = 0; n < images; n++)
        {
            var t = new int[side * side];
            var tc = new int[side * side];
            var p = new int[side * side];
            var pc = new int[side * side];
            var kind = n % 6;
            var count = kind == 0 ? 0 : random.Next(4, 12);
            var nextPred = 1;
            for (var k = 0; k < count; k++)
            {
                double cx = random.NextDouble() * side, cy = random.NextDouble() * side;
                double rx = 2.5 + (random.NextDouble() * 5), ry = 2.5 + (random.NextDouble() * 5);
                var cls = 1 + random.Next(Classes);
                var id = 3 + (k * 7); // ids not contiguous
                Ellipse(t, tc, side, cx, cy, rx, ry, id, cls);
                if (kind == 3 && k < 2)
                {
                    continue; // truth only on this image's first nuclei
                }

                var roll = random.NextDouble();
                if (kind == 5 || roll < 0.12)
                {
                    continue; // missed
                }

                var predictedClass = roll < 0.3 ? 1 + ((cls + random.Next(1, Classes)) % Classes) : cls;
                double dx = (random.NextDouble() - 0.5) * 4, dy = (random.NextDouble() - 0.5) * 4;
                var scale = 0.7 + (random.NextDouble() * 0.6);
                if (roll > 0.93)
                {
                    // Split: two halves of the nucleus, each its own prediction.
                    Ellipse(p, pc, side, cx + dx - (rx / 2), cy + dy, rx * scale / 2, ry * scale, nextPred++, predictedClass);
                    Ellipse(p, pc, side, cx + dx + (rx / 2), cy + dy, rx * scale / 2, ry * scale, nextPred++, predictedClass);
                    continue;
                }

                var merged = roll > 0.86 && nextPred > 1;
                Ellipse(p, pc, side, cx + dx, cy + dy, rx * scale, ry * scale, merged ? nextPred - 1 : nextPred++, predictedClass);
            }

            var falsePositives = kind == 5 ? 0 : random.Next(0, 3);
            for (var k = 0; k < falsePositives && kind != 0; k++)
            {
                Ellipse(p, pc, side, random.NextDouble() * side, random.NextDouble() * side, 2 + (random.NextDouble() * 4), 2 + (random.NextDouble() * 4), 1000 + k, 1 + random.Next(Classes));
            }

            if (kind == 4)
            {
                Array.Clear(t);
                Array.Clear(tc);
                Ellipse(p, pc, side, side / 2.0, side / 2.0, 4, 5, 2000, 2); // prediction where the truth has nothing
            }

            for (var i = 0; i < side * side; i++)
            {
                var o = ((n * side * side) + i) * 2;
                (truth[o], truth[o + 1], prediction[o], prediction[o + 1]) = (t[i], tc[i], p[i], pc[i]);
            }
        }

        return (truth, prediction, [images, side, side, 2]);
    }

    // A few pixels of a predicted nucleus keep another class: its class is then decided by majority.
    private static void Ellipse(int[] ids, int[] classes, int side, double cx, double cy, double rx, double ry, int id, int cls)
    {
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                double u = (x - cx) / rx, v = (y - cy) / ry;
                if ((u * u) + (v * v) <= 1)
                {
                    ids[(y * side) + x] = id;
                    classes[(y * side) + x] = (x + y) % 11 == 0 ? 1 + (cls % Classes) : cls;
                }
            }
        }
    }
}
