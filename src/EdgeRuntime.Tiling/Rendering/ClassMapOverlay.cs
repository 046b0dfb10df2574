using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Slides.Pixels;
using SkiaSharp;

namespace EdgeRuntime.Tiling.Rendering;

/// <summary>
/// Draws each region's predicted class (tiles or map cells) over a thumbnail, one colour per class, with a legend of
/// the classes present beside the picture (never over the slide).
/// </summary>
/// <remarks>
/// Regions are rasterised, not drawn as rectangles: a thumbnail pixel takes the class of the last region its centre
/// lies in, and is tinted once. Regions that meet (cells at a fractional stride) therefore leave no untinted seam
/// and no doubly tinted line, and overlapping tiles do not darken where they overlap.
/// </remarks>
public static class ClassMapOverlay
{
    /// <summary>Opacity of the class tint, of 255.</summary>
    public const int TintAlpha = 110;

    private const int Swatch = 12;
    private const int Row = 16;
    private const int Margin = 8;

    /// <summary>Renders the class map and returns PNG bytes.</summary>
    /// <param name="thumbnail">The slide's thumbnail.</param>
    /// <param name="slideWidth">Level-0 width.</param>
    /// <param name="slideHeight">Level-0 height.</param>
    /// <param name="regions">Level-0 rectangles with their class (-1: none, left undrawn), drawn in order.</param>
    /// <param name="classNames">The classes' names, for the legend.</param>
    public static byte[] RenderPng(RgbImage thumbnail, long slideWidth, long slideHeight, IEnumerable<ClassRegion> regions, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(thumbnail);
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(classNames);
        var (tinted, present) = Tint(thumbnail, slideWidth, slideHeight, regions);
        var legend = present.Where(c => c < classNames.Count).ToList();

        using var font = new SKFont(SKTypeface.Default, 12);
        var legendWidth = legend.Count == 0 ? 0 : (int)Math.Ceiling(legend.Max(c => font.MeasureText(classNames[c]))) + Swatch + (3 * Margin);
        var legendHeight = legend.Count == 0 ? 0 : (legend.Count * Row) + Margin;
        using var picture = PngFile.ToBitmap(tinted);
        using var bitmap = new SKBitmap(thumbnail.Width + legendWidth, Math.Max(thumbnail.Height, legendHeight));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            canvas.DrawBitmap(picture, 0, 0);
            using var fill = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = false };
            using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            var left = thumbnail.Width + Margin;
            for (var i = 0; i < legend.Count; i++)
            {
                var (r, g, b) = ClassColours.Of(legend[i]);
                fill.Color = new SKColor(r, g, b);
                canvas.DrawRect(left, Margin + (i * Row), Swatch, Swatch, fill);
                canvas.DrawText(classNames[legend[i]], left + Swatch + Margin, Margin + 10 + (i * Row), SKTextAlign.Left, font, text);
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>The thumbnail with every pixel whose centre lies in a region tinted with that region's class colour; the classes drawn, in order.</summary>
    public static (RgbImage Tinted, IReadOnlyList<int> Present) Tint(RgbImage thumbnail, long slideWidth, long slideHeight, IEnumerable<ClassRegion> regions)
    {
        ArgumentNullException.ThrowIfNull(thumbnail);
        ArgumentNullException.ThrowIfNull(regions);
        int width = thumbnail.Width, height = thumbnail.Height;
        var labels = new int[width * height];
        Array.Fill(labels, -1);
        var sx = (double)width / slideWidth;
        var sy = (double)height / slideHeight;
        foreach (var r in regions)
        {
            if (r.Class < 0)
            {
                continue;
            }

            var (x0, x1) = (Centre(r.X * sx, width), Centre((r.X + r.Width) * sx, width));
            var (y0, y1) = (Centre(r.Y * sy, height), Centre((r.Y + r.Height) * sy, height));
            for (var y = y0; y < y1; y++)
            {
                labels.AsSpan((y * width) + x0, Math.Max(0, x1 - x0)).Fill(r.Class);
            }
        }

        var tinted = new RgbImage(width, height);
        var source = thumbnail.Span;
        var target = tinted.Span;
        source.CopyTo(target);
        var present = new SortedSet<int>();
        for (var i = 0; i < labels.Length; i++)
        {
            var c = labels[i];
            if (c < 0)
            {
                continue;
            }

            present.Add(c);
            var (r, g, b) = ClassColours.Of(c);
            var o = i * 3;
            target[o] = Blend(source[o], r);
            target[o + 1] = Blend(source[o + 1], g);
            target[o + 2] = Blend(source[o + 2], b);
        }

        return (tinted, present.ToList());
    }

    // The first pixel whose centre lies at or after edge e (in thumbnail pixels): pixel x has its centre at x + 0.5.
    private static int Centre(double e, int limit) => Math.Clamp((int)Math.Ceiling(e - 0.5), 0, limit);

    // Source-over with the tint's opacity, rounded to nearest.
    private static byte Blend(byte under, byte tint) => (byte)(((under * (255 - TintAlpha)) + (tint * TintAlpha) + 127) / 255);
}
