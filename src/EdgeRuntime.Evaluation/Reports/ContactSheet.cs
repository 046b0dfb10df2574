using SkiaSharp;

namespace EdgeRuntime.Evaluation.Reports;

/// <summary>An image's pixels for a contact sheet: interleaved 8-bit RGB, <c>Width × Height × 3</c> bytes.</summary>
/// <param name="Width">Pixels across.</param>
/// <param name="Height">Pixels down.</param>
/// <param name="Rgb">The pixels, row by row.</param>
public sealed record Thumbnail(int Width, int Height, byte[] Rgb);

/// <summary>
/// A grid of thumbnails, each with a few lines of caption under it, as one PNG: the report's view of the samples a
/// model got most confidently wrong, so that a reviewer sees the tiles rather than their file names.
/// </summary>
public static class ContactSheet
{
    private const int Cell = 160;
    private const int Columns = 4;
    private const int LineHeight = 16;
    private const int Margin = 12;

    /// <summary>The sheet as PNG bytes; a cell whose image is null (unreadable) is drawn grey and says so.</summary>
    public static byte[] Png(string title, IReadOnlyList<(Thumbnail? Image, IReadOnlyList<string> Lines)> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var lines = cells.Count == 0 ? 0 : cells.Max(c => c.Lines.Count);
        var columns = Math.Clamp(cells.Count, 1, Columns);
        var rows = Math.Max(1, (cells.Count + Columns - 1) / Columns);
        var cellHeight = Cell + 6 + (lines * LineHeight) + Margin;
        var width = Margin + (columns * (Cell + Margin));
        var height = 40 + (rows * cellHeight);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = SKTypeface.FromFamilyName(ScottPlot.Fonts.Default);
        using var titleFont = new SKFont(typeface, 15) { Edging = SKFontEdging.Antialias };
        using var font = new SKFont(typeface, 12) { Edging = SKFontEdging.Antialias };
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var frame = new SKPaint { Color = new SKColor(160, 160, 160), Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        using var grey = new SKPaint { Color = new SKColor(225, 225, 225) };
        canvas.DrawText(Fit(title, titleFont, width - (2 * Margin)), Margin, 26, SKTextAlign.Left, titleFont, ink);
        for (var i = 0; i < cells.Count; i++)
        {
            var (image, captions) = cells[i];
            var x = Margin + (i % Columns * (Cell + Margin));
            var y = 40 + (i / Columns * cellHeight);
            var box = new SKRect(x, y, x + Cell, y + Cell);
            if (image is null)
            {
                canvas.DrawRect(box, grey);
                canvas.DrawText("unreadable", box.MidX, box.MidY, SKTextAlign.Center, font, ink);
            }
            else
            {
                using var bitmap = ToBitmap(image);
                // Fitted whole, its aspect kept: a tile is square, a slide is not.
                var scale = Math.Min((float)Cell / image.Width, (float)Cell / image.Height);
                var (w, h) = (image.Width * scale, image.Height * scale);
                var target = SKRect.Create(x + ((Cell - w) / 2), y + ((Cell - h) / 2), w, h);
                using var picture = SKImage.FromBitmap(bitmap);
                canvas.DrawImage(picture, target, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            }

            canvas.DrawRect(box, frame);
            for (var l = 0; l < captions.Count; l++)
            {
                canvas.DrawText(Fit(captions[l], font, Cell), x, y + Cell + 6 + ((l + 1) * LineHeight) - 4, SKTextAlign.Left, font, ink);
            }
        }

        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static SKBitmap ToBitmap(Thumbnail image)
    {
        var bitmap = new SKBitmap(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var rgba = new byte[image.Width * image.Height * 4];
        for (int i = 0, j = 0; i < image.Width * image.Height; i++, j += 3)
        {
            rgba[i * 4] = image.Rgb[j];
            rgba[(i * 4) + 1] = image.Rgb[j + 1];
            rgba[(i * 4) + 2] = image.Rgb[j + 2];
            rgba[(i * 4) + 3] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }

    // A caption longer than its cell is cut with an ellipsis rather than running into the next cell.
    private static string Fit(string text, SKFont font, float width)
    {
        if (font.MeasureText(text) <= width)
        {
            return text;
        }

        var cut = text;
        while (cut.Length > 1 && font.MeasureText(cut + "…") > width)
        {
            cut = cut[..^1];
        }

        return cut + "…";
    }
}
