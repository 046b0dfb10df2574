using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using SkiaSharp;

namespace EdgeRuntime.Tiling.Rendering;

/// <summary>
/// Draws the tissue mask and the kept tiles over a thumbnail: the picture people look at before they
/// trust the tiling. Tissue is tinted green, its outline drawn, and every kept tile outlined in the first of blue,
/// amber and magenta that stands out from the pixels under the outlines (blue vanishes on a DAPI scan's nuclei).
/// </summary>
public static class TilingOverlay
{
    private static readonly SKColor TissueTint = new(0, 200, 0, 50);
    private static readonly SKColor TissueOutline = new(0, 150, 0, 255);

    /// <summary>The tile outline colours, in order of preference.</summary>
    public static IReadOnlyList<(byte R, byte G, byte B)> OutlineColours { get; } = [(30, 90, 255), (255, 190, 0), (230, 0, 230)];

    // An outline pixel closer than this (Euclidean, RGB) to the pixel under it is taken as lost in it.
    private const double LostDistance = 120;

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
                var (r, g, b) = OutlineFor(thumbnail, grid, sx, sy);
                using var paint = new SKPaint { Color = new SKColor(r, g, b, 220), Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = false };
                foreach (var tile in grid.Tiles)
                {
                    canvas.DrawRect(tile.Box.X * sx, tile.Box.Y * sy, tile.Box.Width * sx, tile.Box.Height * sy, paint);
                }
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>
    /// The outline colour for <paramref name="grid"/>'s tiles on <paramref name="thumbnail"/>: of
    /// <see cref="OutlineColours"/>, the one the fewest pixels under the outlines are close to (the first on ties).
    /// </summary>
    public static (byte R, byte G, byte B) OutlineFor(RgbImage thumbnail, TileGrid grid, float sx, float sy)
    {
        ArgumentNullException.ThrowIfNull(thumbnail);
        ArgumentNullException.ThrowIfNull(grid);
        var lost = new long[OutlineColours.Count];
        var pixels = thumbnail.Pixels;
        void Sample(int x, int y)
        {
            if (x < 0 || y < 0 || x >= thumbnail.Width || y >= thumbnail.Height)
            {
                return;
            }

            var o = ((y * thumbnail.Width) + x) * 3;
            for (var c = 0; c < OutlineColours.Count; c++)
            {
                var (r, g, b) = OutlineColours[c];
                double dr = pixels[o] - r, dg = pixels[o + 1] - g, db = pixels[o + 2] - b;
                if ((dr * dr) + (dg * dg) + (db * db) < LostDistance * LostDistance)
                {
                    lost[c]++;
                }
            }
        }

        foreach (var tile in grid.Tiles)
        {
            int x0 = (int)(tile.Box.X * sx), y0 = (int)(tile.Box.Y * sy);
            int x1 = (int)((tile.Box.X + tile.Box.Width) * sx), y1 = (int)((tile.Box.Y + tile.Box.Height) * sy);
            for (var x = x0; x <= x1; x++)
            {
                Sample(x, y0);
                Sample(x, y1);
            }

            for (var y = y0; y <= y1; y++)
            {
                Sample(x0, y);
                Sample(x1, y);
            }
        }

        var best = 0;
        for (var c = 1; c < lost.Length; c++)
        {
            if (lost[c] < lost[best])
            {
                best = c;
            }
        }

        return OutlineColours[best];
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
