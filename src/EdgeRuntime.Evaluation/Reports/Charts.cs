using System.Globalization;
using ScottPlot;

namespace EdgeRuntime.Evaluation.Reports;

/// <summary>The report's pictures, drawn by ScottPlot: a confusion matrix, per-class bars and Recall@K curves.</summary>
public static class Charts
{
    /// <summary>Writes the confusion matrix (rows: truth, columns: prediction; each row's share shaded, counts written) as a PNG.</summary>
    public static void ConfusionMatrix(string path, long[][] counts, IReadOnlyList<string> classes, string title)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(classes);
        var n = classes.Count;
        var shares = new double[n, n];
        for (var t = 0; t < n; t++)
        {
            var row = Math.Max(1, counts[t].Sum());
            for (var p = 0; p < n; p++)
            {
                shares[t, p] = (double)counts[t][p] / row;
            }
        }

        var plot = new Plot();
        var map = plot.Add.Heatmap(shares);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.ManualRange = new ScottPlot.Range(0, 1);
        plot.Add.ColorBar(map).Label = "share of the true class";
        for (var t = 0; t < n; t++)
        {
            for (var p = 0; p < n; p++)
            {
                // Heatmap row 0 is drawn at the top, at y = n - 1.
                var text = plot.Add.Text(counts[t][p].ToString(CultureInfo.InvariantCulture), p, n - 1 - t);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = shares[t, p] > 0.5 ? Colors.Black : Colors.White;
                text.LabelFontSize = 14;
            }
        }

        var ticks = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, classes.ToArray());
        plot.Axes.Left.SetTicks(ticks.Select(v => n - 1 - v).ToArray(), classes.ToArray());
        plot.XLabel("predicted");
        plot.YLabel("true");
        plot.Title(title);
        plot.Axes.Title.Label.FontSize = 12;
        plot.SavePng(path, Math.Max(560, 200 + (70 * n)), 120 + (70 * n));
    }

    /// <summary>Writes grouped bars of precision, recall and F1 per class as a PNG, each with its interval when given.</summary>
    public static void PerClass(string path, IReadOnlyList<string> classes, IReadOnlyList<(string Name, double[] Values, (double Low, double High)[]? Intervals)> series, string title)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(series);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var width = 0.8 / series.Count;
        for (var s = 0; s < series.Count; s++)
        {
            var bars = series[s].Values.Select((v, c) => new Bar
            {
                Position = c - 0.4 + (width * (s + 0.5)),
                Value = v,
                Size = width * 0.9,
                FillColor = palette.GetColor(s),
            }).ToList();
            plot.Add.Bars(bars);
            if (series[s].Intervals is { } intervals)
            {
                foreach (var (bar, (low, high)) in bars.Zip(intervals))
                {
                    Whisker(plot, bar.Position, low, high, width * 0.3);
                }
            }

            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Name, FillColor = palette.GetColor(s) });
        }

        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, classes.Count).Select(i => (double)i).ToArray(), classes.ToArray());
        plot.Axes.SetLimitsY(0, 1.1);
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Edge.Right);
        plot.Title(title);
        plot.Axes.Title.Label.FontSize = 12;
        // Wide enough for the run's name as its title beside the legend.
        plot.SavePng(path, Math.Max(Math.Max(480, 120 * classes.Count), 140 + (8 * title.Length)), 360);
    }

    /// <summary>
    /// Writes Recall@K against K as a PNG: a line per run with its 95 % interval at each K, and the chance level of a
    /// random ranking dashed, so that a figure near chance reads as such.
    /// </summary>
    public static void RecallAtK(string path, IReadOnlyList<int> ks, IReadOnlyList<(string Name, double[] Values, (double Low, double High)[]? Intervals)> runs, double[] chance, string title)
    {
        ArgumentNullException.ThrowIfNull(ks);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(chance);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        // K at even steps (1, 5, 10, 50 are far apart on a linear axis), labelled with its value.
        var xs = Enumerable.Range(0, ks.Count).Select(i => (double)i).ToArray();
        for (var r = 0; r < runs.Count; r++)
        {
            var line = plot.Add.Scatter(xs, runs[r].Values);
            line.Color = palette.GetColor(r);
            line.LineWidth = 2;
            line.MarkerSize = 8;
            line.LegendText = runs[r].Name;
            if (runs[r].Intervals is { } intervals)
            {
                for (var i = 0; i < ks.Count; i++)
                {
                    Whisker(plot, xs[i], intervals[i].Low, intervals[i].High, 0.06, palette.GetColor(r));
                }
            }
        }

        var random = plot.Add.Scatter(xs, chance);
        random.Color = Colors.Gray;
        random.LinePattern = LinePattern.Dashed;
        random.MarkerSize = 0;
        random.LegendText = "chance";
        plot.Axes.Bottom.SetTicks(xs, ks.Select(k => string.Create(CultureInfo.InvariantCulture, $"R@{k}")).ToArray());
        plot.Axes.SetLimits(-0.3, ks.Count - 0.7, 0, 1.05);
        plot.YLabel("recall");
        plot.ShowLegend(Edge.Bottom);
        plot.Title(title);
        plot.Axes.Title.Label.FontSize = 12;
        plot.SavePng(path, Math.Max(480, 160 * ks.Count), 420 + (18 * runs.Count));
    }

    // A 95 % interval drawn as a vertical line with short caps.
    private static void Whisker(Plot plot, double x, double low, double high, double cap, Color? colour = null)
    {
        var ink = colour ?? Colors.Black;
        foreach (var (x0, y0, x1, y1) in new[] { (x, low, x, high), (x - cap, low, x + cap, low), (x - cap, high, x + cap, high) })
        {
            var segment = plot.Add.Line(x0, y0, x1, y1);
            segment.LineColor = ink;
            segment.LineWidth = 1.5f;
            segment.MarkerSize = 0;
        }
    }
}
