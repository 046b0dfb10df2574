using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Slides.Pixels;
using SkiaSharp;

namespace EdgeRuntime.Tiling.Rendering;

/// <summary>Draws each tile's predicted class over a thumbnail, one colour per class, with a legend.</summary>
public static class ClassMapOverlay
{
    /// <summary>Renders the class map and returns PNG bytes.</summary>
    public static byte[] RenderPng(RgbImage thumbnail, long slideWidth, long slideHeight, IReadOnlyList<TileRef> tiles, IReadOnlyList<int> classOfTile, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(thumbnail);
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentNullException.ThrowIfNull(classOfTile);
        ArgumentNullException.ThrowIfNull(classNames);
        using var bitmap = PngFile.ToBitmap(thumbnail);
        using (var canvas = new SKCanvas(bitmap))
        {
            var sx = (float)thumbnail.Width / slideWidth;
            var sy = (float)thumbnail.Height / slideHeight;
            using var fill = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = false };
            for (var i = 0; i < tiles.Count; i++)
            {
                var color = Colour(classOfTile[i]);
                fill.Color = color.WithAlpha(110);
                var b = tiles[i].Box;
                canvas.DrawRect(b.X * sx, b.Y * sy, b.Width * sx, b.Height * sy, fill);
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
