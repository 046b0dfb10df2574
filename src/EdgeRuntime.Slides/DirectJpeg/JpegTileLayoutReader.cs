using System.Runtime.InteropServices;
using EdgeRuntime.Slides.Images;

namespace EdgeRuntime.Slides.DirectJpeg;

/// <summary>
/// Reads, through libtiff, the layout of every tiled JPEG directory of a TIFF-family slide (Aperio SVS, generic
/// tiled TIFF), refusing anything the direct reader would decode wrongly. Every size is bounded, so a hostile
/// header cannot make the reader allocate or read without limit.
/// </summary>
internal static class JpegTileLayoutReader
{
    /// <summary>Largest tile side accepted. Scanners write 240–1024 px tiles; a bigger one is not a tile.</summary>
    public const int MaxTileSide = 4096;

    /// <summary>Largest compressed tile accepted: an uncompressed 4096² RGB tile is 48 MiB, no JPEG is larger.</summary>
    public const int MaxTileBytes = 48 * 1024 * 1024;

    /// <summary>Largest JPEGTables blob accepted (real ones are under 1 KiB).</summary>
    public const int MaxTablesBytes = 64 * 1024;

    private const ushort CompressionJpeg = 7;
    private const ushort PhotometricRgb = 2;
    private const ushort PhotometricYCbCr = 6;
    private const ushort PlanarContiguous = 1;

    /// <summary>The tiled directories in file order, each read as a JPEG level or with the reason it cannot be.</summary>
    /// <exception cref="SlideException">libtiff cannot open or walk the file.</exception>
    public static IReadOnlyList<(long Width, long Height, JpegTileLevel? Level, string? Refusal)> Read(string path)
    {
        if (!TiffImageDecoder.EnsureLibTiff())
        {
            throw new UnsupportedSlideException(path, "libtiff is not installed (Debian package libtiff6).");
        }

        var fileLength = new FileInfo(path).Length;
        TiffImageDecoder.ClearLastError();
        var tif = TiffNative.Open(path, "r");
        if (tif == 0)
        {
            throw new SlideReadException(path, $"libtiff could not open it ({TiffImageDecoder.LastError ?? "not a TIFF"}).");
        }

        try
        {
            var result = new List<(long, long, JpegTileLevel?, string?)>();
            var count = TiffNative.NumberOfDirectories(tif);
            for (ushort d = 0; d < count; d++)
            {
                if (TiffNative.SetDirectory(tif, d) == 0)
                {
                    throw new SlideReadException(path, $"libtiff could not read TIFF directory {d} ({TiffImageDecoder.LastError ?? "unknown error"}).");
                }

                if (TiffNative.IsTiled(tif) == 0)
                {
                    continue;
                }

                TiffNative.GetFieldUInt32(tif, TiffNative.TagImageWidth, out var width);
                TiffNative.GetFieldUInt32(tif, TiffNative.TagImageLength, out var height);
                var refusal = Refusal(tif, width, height, out var level, d, fileLength);
                result.Add((width, height, level, refusal));
            }

            return result;
        }
        finally
        {
            TiffNative.Close(tif);
        }
    }

    private static unsafe string? Refusal(nint tif, uint width, uint height, out JpegTileLevel? level, int directory, long fileLength)
    {
        level = null;
        if (TiffNative.GetFieldUInt16(tif, TiffNative.TagCompression, out var compression) == 0 || compression != CompressionJpeg)
        {
            return $"directory {directory}'s tiles are not JPEG (TIFF compression {compression})";
        }

        TiffNative.GetFieldUInt16(tif, TiffNative.TagSamplesPerPixel, out var samples);
        TiffNative.GetFieldUInt16(tif, TiffNative.TagBitsPerSample, out var bits);
        TiffNative.GetFieldUInt16(tif, TiffNative.TagPlanarConfig, out var planar);
        TiffNative.GetFieldUInt16(tif, TiffNative.TagPhotometric, out var photometric);
        if (samples != 3 || bits != 8 || planar != PlanarContiguous)
        {
            return $"directory {directory} has {samples} samples of {bits} bits (planar configuration {planar}); only 3 × 8-bit interleaved RGB is decoded directly";
        }

        if (photometric is not (PhotometricRgb or PhotometricYCbCr))
        {
            return $"directory {directory}'s colour space is TIFF photometric {photometric}, not RGB or YCbCr";
        }

        TiffNative.GetFieldUInt32(tif, TiffNative.TagTileWidth, out var tileWidth);
        TiffNative.GetFieldUInt32(tif, TiffNative.TagTileLength, out var tileHeight);
        if (width == 0 || height == 0 || tileWidth is 0 or > MaxTileSide || tileHeight is 0 or > MaxTileSide)
        {
            return $"directory {directory} declares {width}x{height} px in {tileWidth}x{tileHeight} px tiles; tiles must be 1 to {MaxTileSide} px";
        }

        var across = ((long)width + tileWidth - 1) / tileWidth;
        var down = ((long)height + tileHeight - 1) / tileHeight;
        var tiles = TiffNative.NumberOfTiles(tif);
        if (across * down != tiles || tiles > 64 * 1024 * 1024)
        {
            return $"directory {directory} lists {tiles} tiles for a {across}x{down} grid";
        }

        if (TiffNative.GetFieldPointer(tif, TiffNative.TagTileOffsets, out var offsetsPtr) == 0 || offsetsPtr == 0
            || TiffNative.GetFieldPointer(tif, TiffNative.TagTileByteCounts, out var countsPtr) == 0 || countsPtr == 0)
        {
            return $"directory {directory} has no tile offsets";
        }

        var offsets = new long[tiles];
        var counts = new int[tiles];
        var rawOffsets = new ReadOnlySpan<ulong>((void*)offsetsPtr, (int)tiles);
        var rawCounts = new ReadOnlySpan<ulong>((void*)countsPtr, (int)tiles);
        for (var i = 0; i < tiles; i++)
        {
            // A zero count is a tile the scanner never wrote (sparse files): it reads as white, as OpenSlide does.
            if (rawCounts[i] > MaxTileBytes || rawOffsets[i] > (ulong)fileLength || rawOffsets[i] + rawCounts[i] > (ulong)fileLength)
            {
                return $"directory {directory}'s tile {i} lies outside the file or is larger than {MaxTileBytes} bytes";
            }

            offsets[i] = (long)rawOffsets[i];
            counts[i] = (int)rawCounts[i];
        }

        var tables = Array.Empty<byte>();
        if (TiffNative.GetFieldCounted(tif, TiffNative.TagJpegTables, out var tablesLength, out var tablesPtr) != 0 && tablesPtr != 0 && tablesLength > 0)
        {
            if (tablesLength > MaxTablesBytes || tablesLength < 4)
            {
                return $"directory {directory}'s JPEG tables are {tablesLength} bytes";
            }

            tables = new byte[tablesLength];
            Marshal.Copy(tablesPtr, tables, 0, (int)tablesLength);
        }

        level = new JpegTileLevel
        {
            Directory = directory,
            Width = width,
            Height = height,
            TileWidth = (int)tileWidth,
            TileHeight = (int)tileHeight,
            Offsets = offsets,
            ByteCounts = counts,
            Tables = tables,
            YCbCr = photometric == PhotometricYCbCr,
        };
        return null;
    }
}
