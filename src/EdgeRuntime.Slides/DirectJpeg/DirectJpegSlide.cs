using System.Buffers;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Slides.Reading;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace EdgeRuntime.Slides.DirectJpeg;

/// <summary>
/// An OpenSlide-opened Aperio SVS or generic tiled TIFF whose JPEG tiles are read by offset and decoded with
/// libjpeg-turbo, whole or DCT-scaled. OpenSlide keeps the metadata, the associated images and every level the
/// direct path cannot decode; the first tile the direct path fails on hands the rest of the slide to OpenSlide,
/// with the reason logged, so a slide is never lost to the fast path. Thread-safe for reads: tiles are read with
/// positional reads on one file handle and decoders come from a pool.
/// </summary>
internal sealed class DirectJpegSlide : ISlide, IScaledRegionReader
{
    private readonly ISlide inner;
    private readonly JpegTileLevel?[] levels;
    private readonly SafeFileHandle file;
    private readonly JpegTileDecoder decoder = new();
    private readonly DecodedTileCache cache;
    private readonly bool scaled;
    private readonly ILogger logger;
    private volatile string? failure;

    private DirectJpegSlide(ISlide inner, JpegTileLevel?[] levels, SafeFileHandle file, DecodedTileCache cache, bool scaled, ILogger logger)
    {
        this.inner = inner;
        this.levels = levels;
        this.file = file;
        this.scaled = scaled;
        this.logger = logger;
        this.cache = cache;
        Info = inner.Info with { Reader = $"{inner.Info.Reader} + direct JPEG (libjpeg-turbo)" };
    }

    /// <summary>Formats whose tiled directories are the pyramid levels, one JPEG tile per grid cell, no overlaps.</summary>
    public static readonly IReadOnlySet<string> Vendors = new HashSet<string>(StringComparer.Ordinal) { "aperio", "generic-tiff" };

    /// <inheritdoc />
    public SlideInfo Info { get; }

    /// <summary>Why the direct path stopped on this slide; null while it works.</summary>
    public string? Failure => failure;

    /// <summary>
    /// Wraps <paramref name="inner"/> when its file's levels are JPEG tiles the direct path can decode; otherwise
    /// logs why and returns <paramref name="inner"/> itself. Decoded tiles' buffers come from
    /// <paramref name="buffers"/> (the process's shared pool when null) and go back there when the slide is disposed.
    /// </summary>
    public static ISlide Wrap(ISlide inner, bool scaled, long cacheBytes, ILogger logger, DecodedTileBuffers? buffers = null)
    {
        var path = inner.Info.FilePath;
        if (!Vendors.Contains(inner.Info.Format))
        {
            return inner;
        }

        string? reason;
        try
        {
            JpegTileLevel?[] levels = [];
            reason = JpegTileDecoder.IsAvailable ? Match(inner.Info, JpegTileLayoutReader.Read(path), out levels) : "libturbojpeg is not installed (Debian package libturbojpeg0)";
            if (reason is null)
            {
                var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.RandomAccess);
                var direct = levels.Count(l => l is not null);
                DirectJpegLog.Direct(logger, path, direct, levels.Length, scaled ? "on" : "off");

                return new DirectJpegSlide(inner, levels, file, new DecodedTileCache(cacheBytes, buffers ?? DecodedTileBuffers.Shared), scaled, logger);
            }
        }
        catch (Exception e) when (e is SlideException or IOException or UnauthorizedAccessException)
        {
            reason = e.Message;
        }

        DirectJpegLog.NotDirect(logger, path, reason);
        return inner;
    }

    /// <inheritdoc />
    public void ReadRegion(int level, long x, long y, int width, int height, Span<byte> rgb) => ReadRegionScaled(level, x, y, width, height, 1, rgb);

    /// <inheritdoc />
    public int ScaleDenominatorFor(int level, int maxDenominator)
    {
        if (!scaled || failure is not null || (uint)level >= (uint)levels.Length || levels[level] is not { } tiles)
        {
            return 1;
        }

        for (var d = 8; d > 1; d /= 2)
        {
            if (d <= maxDenominator && tiles.TileWidth % d == 0 && tiles.TileHeight % d == 0)
            {
                return d;
            }
        }

        return 1;
    }

    /// <inheritdoc />
    public void ReadRegionScaled(int level, long x, long y, int width, int height, int denominator, Span<byte> rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(level, levels.Length);
        if (denominator is not (1 or 2 or 4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(denominator), denominator, "1, 2, 4 or 8");
        }

        if (rgb.Length < checked(width * height * 3))
        {
            throw new ArgumentException($"Destination holds {rgb.Length} bytes; {width * height * 3} needed.", nameof(rgb));
        }

        if (failure is null && levels[level] is { } tiles && tiles.TileWidth % denominator == 0 && tiles.TileHeight % denominator == 0)
        {
            try
            {
                ReadDirect(level, tiles, x, y, width, height, denominator, rgb);
                return;
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                if (Interlocked.CompareExchange(ref failure, e.Message, null) is null)
                {
                    DirectJpegLog.FellBack(logger, Info.FilePath, e.Message);
                }
            }
        }

        ReadThroughInner(level, x, y, width, height, denominator, rgb);
    }

    /// <inheritdoc />
    public int GetBestLevelForDownsample(double downsample) => inner.GetBestLevelForDownsample(downsample);

    /// <inheritdoc />
    public RgbImage ReadAssociatedImage(string name) => inner.ReadAssociatedImage(name);

    /// <inheritdoc />
    public void Dispose()
    {
        cache.Dispose();
        decoder.Dispose();
        file.Dispose();
        inner.Dispose();
    }

    // Each OpenSlide level must be one of the file's tiled directories, with the same size; a level whose
    // directory is not plain JPEG (Aperio's JPEG 2000, say) stays with OpenSlide.
    private static string? Match(SlideInfo info, IReadOnlyList<(long Width, long Height, JpegTileLevel? Level, string? Refusal)> directories, out JpegTileLevel?[] levels)
    {
        levels = new JpegTileLevel?[info.Levels.Count];
        var used = new bool[directories.Count];
        var refusals = new List<string>();
        for (var i = 0; i < info.Levels.Count; i++)
        {
            var match = -1;
            for (var d = 0; d < directories.Count && match < 0; d++)
            {
                if (!used[d] && directories[d].Width == info.Levels[i].Width && directories[d].Height == info.Levels[i].Height)
                {
                    match = d;
                }
            }

            if (match < 0)
            {
                return $"level {i} ({info.Levels[i].Width}x{info.Levels[i].Height}) is not one of the file's tiled TIFF directories";
            }

            used[match] = true;
            levels[i] = directories[match].Level;
            if (directories[match].Refusal is { } refusal)
            {
                refusals.Add(refusal);
            }
        }

        return levels.Any(l => l is not null) ? null : string.Join("; ", refusals.Distinct());
    }

    private void ReadDirect(int levelIndex, JpegTileLevel tiles, long x, long y, int width, int height, int d, Span<byte> rgb)
    {
        // Level coordinates as OpenSlide computes them (level-0 ÷ downsample), then the scaled grid's.
        var downsample = inner.Info.Levels[levelIndex].Downsample;
        var sx = FloorDiv((long)Math.Floor((x / downsample) + 1e-9), d);
        var sy = FloorDiv((long)Math.Floor((y / downsample) + 1e-9), d);
        var tileW = tiles.TileWidth / d;
        var tileH = tiles.TileHeight / d;
        var levelW = (tiles.Width + d - 1) / d;
        var levelH = (tiles.Height + d - 1) / d;
        var stride = width * 3;
        var x0 = Math.Max(sx, 0);
        var x1 = Math.Min(sx + width, levelW);
        var y0 = Math.Max(sy, 0);
        var y1 = Math.Min(sy + height, levelH);

        // White where no tile gives pixels (outside the level, or an empty tile); a region inside the level is
        // written whole by its tiles and is not cleared first.
        if (x0 != sx || y0 != sy || x1 != sx + width || y1 != sy + height || AnyEmpty(tiles, x0, x1, y0, y1, tileW, tileH))
        {
            rgb[..(stride * height)].Fill(0xFF);
        }
        for (var ty = y0 / tileH; ty * tileH < y1; ty++)
        {
            for (var tx = x0 / tileW; tx * tileW < x1; tx++)
            {
                var tile = (int)((ty * tiles.TilesAcross) + tx);
                if (tiles.ByteCounts[tile] == 0)
                {
                    continue;
                }

                using var lease = Tile(levelIndex, tiles, tile, d);
                var pixels = lease.Pixels;
                var cx0 = Math.Max(x0, tx * tileW);
                var cx1 = Math.Min(x1, (tx + 1) * tileW);
                var cy0 = Math.Max(y0, ty * tileH);
                var cy1 = Math.Min(y1, (ty + 1) * tileH);
                var rowBytes = (int)(cx1 - cx0) * 3;
                for (var row = cy0; row < cy1; row++)
                {
                    var source = (int)((((row - (ty * tileH)) * tileW) + (cx0 - (tx * tileW))) * 3);
                    var destination = (int)(((row - sy) * stride) + ((cx0 - sx) * 3));
                    pixels.AsSpan(source, rowBytes).CopyTo(rgb[destination..]);
                }
            }
        }
    }

    private DecodedTileCache.Lease Tile(int levelIndex, JpegTileLevel tiles, int tile, int d)
    {
        var key = DecodedTileCache.KeyOf(levelIndex, tile, d);
        if (cache.TryGet(key, out var cached))
        {
            return cached;
        }

        var length = tiles.ByteCounts[tile];
        var room = tiles.StreamPrefix.Length - 2;
        var buffer = ArrayPool<byte>.Shared.Rent(room + length);
        try
        {
            // One positional read, straight into the stream the decoder takes (after room for the tables).
            var read = RandomAccess.Read(file, buffer.AsSpan(room, length), tiles.Offsets[tile]);
            if (read != length)
            {
                throw new InvalidDataException($"tile {tile} of TIFF directory {tiles.Directory} is cut short: the file ends {length - read} bytes early");
            }

            // Every byte is written by the decoder: a recycled buffer needs no clearing.
            var pixels = cache.Rent((tiles.TileWidth / d) * (tiles.TileHeight / d) * 3);
            decoder.Decode(tiles, tile, buffer.AsSpan(0, room + length), d, pixels);
            return cache.Add(key, pixels);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // OpenSlide has no scaled read: read the full-scale region and resize it with Pillow's bicubic.
    private void ReadThroughInner(int level, long x, long y, int width, int height, int d, Span<byte> rgb)
    {
        if (d == 1)
        {
            inner.ReadRegion(level, x, y, width, height, rgb);
            return;
        }

        var full = ArrayPool<byte>.Shared.Rent(checked(width * d * height * d * 3));
        try
        {
            inner.ReadRegion(level, x, y, width * d, height * d, full);
            new PillowResizer(width * d, height * d, width, height, ResampleFilter.Bicubic).Resize(full.AsSpan(0, width * d * height * d * 3), rgb);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(full);
        }
    }

    private static bool AnyEmpty(JpegTileLevel tiles, long x0, long x1, long y0, long y1, int tileW, int tileH)
    {
        for (var ty = y0 / tileH; ty * tileH < y1; ty++)
        {
            for (var tx = x0 / tileW; tx * tileW < x1; tx++)
            {
                if (tiles.ByteCounts[(int)((ty * tiles.TilesAcross) + tx)] == 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static long FloorDiv(long value, int divisor) => value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);
}
