using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Inference.Precision;

/// <summary>
/// The tiles the int8 gate compares on: tissue tiles of the site's own recent slides, spread evenly over each slide
/// and over the slides, so that the copy is judged on the stains and scanners it will see. A folder stands for its
/// slides, newest first; a file that is not a slide is passed over.
/// </summary>
internal static class GateTiles
{
    // Enough files to fill the gate from a busy done folder without opening every slide the site ever scanned.
    private const int MaxSlides = 8;

    /// <summary>Up to <paramref name="count"/> RGB tiles of <paramref name="tileSize"/> pixels, and the slides they came from.</summary>
    public static (List<byte[]> Tiles, List<string> Sources) Read(IEnumerable<string> paths, int tileSize, int count)
    {
        var slides = paths.SelectMany(Expand).Distinct(StringComparer.Ordinal).Take(MaxSlides * 4).ToList();
        var opener = new SlideOpener(new SlideReadingOptions());
        var perSlide = new List<(string Path, List<byte[]> Tiles)>();
        foreach (var path in slides)
        {
            if (perSlide.Count == MaxSlides)
            {
                break;
            }

            try
            {
                using var slide = opener.Open(path);
                var tiles = TissueTiles(slide, tileSize, count);
                if (tiles.Count > 0)
                {
                    perSlide.Add((path, tiles));
                }
            }
            catch (Exception e) when (e is SlideException or IOException or UnauthorizedAccessException)
            {
                // Not a slide, or unreadable: the gate judges on the others.
            }
        }

        // Round robin over the slides, so each contributes.
        var chosen = new List<byte[]>();
        var sources = new List<string>();
        for (var i = 0; chosen.Count < count && perSlide.Any(s => s.Tiles.Count > i); i++)
        {
            foreach (var (path, tiles) in perSlide)
            {
                if (i < tiles.Count && chosen.Count < count)
                {
                    chosen.Add(tiles[i]);
                    if (!sources.Contains(path))
                    {
                        sources.Add(path);
                    }
                }
            }
        }

        return (chosen, sources);
    }

    private static IEnumerable<string> Expand(string path)
    {
        if (Directory.Exists(path))
        {
            return new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories)
                .Where(f => f.Length > 0 && !f.Name.StartsWith('.'))
                .OrderByDescending(f => f.LastWriteTimeUtc)
                .Select(f => f.FullName);
        }

        return File.Exists(path) ? [Path.GetFullPath(path)] : [];
    }

    private static List<byte[]> TissueTiles(ISlide slide, int tileSize, int count)
    {
        var level = slide.Info.Levels[0];
        var columns = (int)Math.Max(1, level.Width / tileSize);
        var rows = (int)Math.Max(1, level.Height / tileSize);
        var total = (long)columns * rows;
        var step = Math.Max(1, total / (4L * count));
        var tissue = new List<byte[]>();
        var other = new List<byte[]>();
        for (var i = 0L; i < total && tissue.Count < count; i += step)
        {
            var rgb = new byte[tileSize * tileSize * 3];
            slide.ReadRegion(0, i % columns * tileSize, i / columns * tileSize, tileSize, tileSize, rgb);
            (IsTissue(rgb) ? tissue : other).Add(rgb);
        }

        // A slide without a tissue tile by this rule (a plain image, a faint stain) still gives its tiles.
        return tissue.Count > 0 ? tissue : [.. other.Take(count)];
    }

    // Glass is bright and grey; stained tissue is darker or coloured. A quarter of the tile must be tissue.
    private static bool IsTissue(byte[] rgb)
    {
        var tissue = 0;
        for (var p = 0; p < rgb.Length; p += 3)
        {
            int r = rgb[p], g = rgb[p + 1], b = rgb[p + 2];
            var max = Math.Max(r, Math.Max(g, b));
            var min = Math.Min(r, Math.Min(g, b));
            if (max - min > 20 || max < 200)
            {
                tissue++;
            }
        }

        return tissue * 4 >= rgb.Length / 3;
    }
}
