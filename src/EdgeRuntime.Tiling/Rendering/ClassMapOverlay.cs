using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Slides.Pixels;
using SkiaSharp;

namespace EdgeRuntime.Tiling.Rendering;

/// <summary>Draws each region's predicted class (tiles or map cells) over a thumbnail, one colour per class, with a legend.</summary>
public static class ClassMapOverlay
{
    /// <summary>Renders the class map and returns PNG bytes.</summary>
    /// <param name="thumbnail">The slide's thumbnail.</param>
    /// <param name="slideWidth">Level-0 width.</param>
    /// <param name="slideHeight">Level-0 height.</param>
    /// <param name="regions">Level-0 rectangles with their class (-1: none, left undrawn), drawn in order.</param>
    /// <param name="classNames">The legend.</param>
    public static byte[] RenderPng(RgbImage thumbnail, long slideWidth, long slideHeight, IEnumerable<ClassRegion> regions, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(thumbnail);
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(classNames);
        using var bitmap = PngFile.ToBitmap(thumbnail);
        using (var canvas = new SKCanvas(bitmap))
        {
            var sx = (float)thumbnail.Width / slideWidth;
            var sy = (float)thumbnail.Height / slideHeight;
            using var fill = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = false };
            foreach (var r in regions)
            {
                if (r.Class < 0)
                {
                    continue;
                }

                fill.Color = Colour(r.Class).WithAlpha(110);
                canvas.DrawRect((float)(r.X * sx), (float)(r.Y * sy), (float)(r.Width * sx), (float)(r.Height * sy), fill);
            }

            // Legend: a swatch per class, top-left, on white.
            using var font = new SKFont(SKTypeface.Default, 12);
            using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            using var background = new SKPaint { Color = new SKColor(255, 255, 255, 220) };
            canvas.DrawRect(0, 0, 260, (classNames.Count * 16) + 8, background);
            for (var c = 0; c < classNames.Count; c++)
            {
                fill.Color = Colour(c);
                canvas.DrawRect(6, 6 + (c * 16), 12, 12, fill);
                canvas.DrawText(classNames[c], 24, 16 + (c * 16), SKTextAlign.Left, font, text);
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static SKColor Colour(int index)
    {
        var (r, g, b) = ClassColours.Of(index);
        return new SKColor(r, g, b);
    }
}
