using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using SkiaSharp;

namespace EdgeRuntime.Tiling.Rendering;

/// <summary>
/// Draws the tissue mask and the kept tiles over a thumbnail: the picture people look at before they
/// trust the tiling. Tissue is tinted green, its outline drawn, and every kept tile outlined in blue.
/// </summary>
public static class TilingOverlay
{
    private static readonly SKColor TissueTint = new(0, 200, 0, 50);
    private static readonly SKColor TissueOutline = new(0, 150, 0, 255);
    private static readonly SKColor TileOutline = new(30, 90, 255, 200);

    /// <summary>Renders the overlay and returns it as PNG bytes.</summary>
    /// <param name="thumbnail">The slide, downsampled; its size sets the picture's size.</param>
    /// <param name="slideWidth">Level-0 width, to map level-0 coordinates onto the thumbnail.</param>
    /// <param name="slideHeight">Level-0 height.</param>
    /// <param name="mask">The tissue mask.</param>
    /// <param name="grid">The tile grid; null draws the mask only.</param>
    public static byte[] RenderPng(RgbImage thumbnail, long slideWidth, long slideHeight, TissueMask mask, TileGrid? grid)
    {
        ArgumentNullException.ThrowIfNull(thumbnail);
        ArgumentNullException.ThrowIfNull(mask);
        using var bitmap = PngFile.ToBitmap(thumbnail);
        using (var canvas = new SKCanvas(bitmap))
        {
            var sx = (float)thumbnail.Width / slideWidth;
            var sy = (float)thumbnail.Height / slideHeight;
            DrawMask(canvas, mask, (float)(mask.DownsampleX * sx), (float)(mask.DownsampleY * sy));
            if (grid is not null)
            {
                using var paint = new SKPaint { Color = TileOutline, Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = false };
                foreach (var tile in grid.Tiles)
                {
                    canvas.DrawRect(tile.Box.X * sx, tile.Box.Y * sy, tile.Box.Width * sx, tile.Box.Height * sy, paint);
                }
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static void DrawMask(SKCanvas canvas, TissueMask mask, float cellWidth, float cellHeight)
    {
        using var fill = new SKPaint { Color = TissueTint, Style = SKPaintStyle.Fill, IsAntialias = false };
        using var edge = new SKPaint { Color = TissueOutline, Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f, IsAntialias = true };
        using var outline = new SKPath();
        for (var y = 0; y < mask.Height; y++)
        {
            // Runs of tissue along a row become one rectangle each.
            var x = 0;
            while (x < mask.Width)
            {
                if (!mask[x, y])
                {
                    x++;
                    continue;
                }

                var start = x;
                while (x < mask.Width && mask[x, y])
                {
                    x++;
                }

                canvas.DrawRect(start * cellWidth, y * cellHeight, (x - start) * cellWidth, cellHeight, fill);
            }

            for (x = 0; x < mask.Width; x++)
            {
                if (!mask[x, y])
                {
                    continue;
                }

                // Edges between tissue and not-tissue form the outline.
                if (x == 0 || !mask[x - 1, y])
                {
                    AddLine(outline, x * cellWidth, y * cellHeight, x * cellWidth, (y + 1) * cellHeight);
                }

                if (x == mask.Width - 1 || !mask[x + 1, y])
                {
                    AddLine(outline, (x + 1) * cellWidth, y * cellHeight, (x + 1) * cellWidth, (y + 1) * cellHeight);
                }

                if (y == 0 || !mask[x, y - 1])
                {
                    AddLine(outline, x * cellWidth, y * cellHeight, (x + 1) * cellWidth, y * cellHeight);
                }

                if (y == mask.Height - 1 || !mask[x, y + 1])
                {
                    AddLine(outline, x * cellWidth, (y + 1) * cellHeight, (x + 1) * cellWidth, (y + 1) * cellHeight);
                }
            }
        }

        canvas.DrawPath(outline, edge);
    }

    private static void AddLine(SKPath path, float x0, float y0, float x1, float y1)
    {
        path.MoveTo(x0, y0);
        path.LineTo(x1, y1);
    }
}
