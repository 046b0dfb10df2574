using System.Diagnostics;
using System.Globalization;
using EdgeRuntime.Engine.Encoding;

namespace EdgeRuntime.Cli.Commands;

/// <summary>
/// Tiles done of total, with the rate, redrawn on one line of standard error when it is a terminal; when it is
/// not (a log, a pipe), a plain line every tenth of the way, so logs show progress without control characters.
/// </summary>
internal sealed class ProgressBar(TextWriter error, bool interactive) : IProgress<EncodingProgress>
{
    private const int Width = 30;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private int lastDecile = -1;

    public void Report(EncodingProgress value)
    {
        if (value.TilesTotal == 0)
        {
            return;
        }

        var fraction = (double)value.TilesDone / value.TilesTotal;
        var rate = value.TilesDone / Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
        var text = string.Create(CultureInfo.InvariantCulture, $"{value.TilesDone}/{value.TilesTotal} tiles, {rate:0.0} tiles/s");
        if (interactive)
        {
            var filled = (int)(fraction * Width);
            error.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {text}   ");
            if (value.TilesDone == value.TilesTotal)
            {
                error.WriteLine();
            }

            return;
        }

        var decile = (int)(fraction * 10);
        if (decile != lastDecile)
        {
            lastDecile = decile;
            error.WriteLine($"progress: {text}");
        }
    }
}
