using System.Globalization;
using ScottPlot;

namespace EdgeRuntime.Evaluation.Reports;

/// <summary>The report's pictures, drawn by ScottPlot: a confusion matrix and per-class bars.</summary>
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

    /// <summary>Writes grouped bars of precision, recall and F1 per class as a PNG.</summary>
    public static void PerClass(string path, IReadOnlyList<string> classes, IReadOnlyList<(string Name, double[] Values)> series, string title)
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
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Name, FillColor = palette.GetColor(s) });
        }

        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, classes.Count).Select(i => (double)i).ToArray(), classes.ToArray());
        plot.Axes.SetLimitsY(0, 1.1);
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Edge.Right);
        plot.Title(title);
        plot.Axes.Title.Label.FontSize = 12;
        plot.SavePng(path, Math.Max(480, 120 * classes.Count), 360);
    }
}
