namespace EdgeRuntime.Slides.DirectJpeg;

/// <summary>
/// Where one pyramid level's JPEG tiles lie in its TIFF file: the tile grid, each tile's byte range, the shared
/// JPEG tables and the colour space the TIFF declares. Read once at open; tile bytes are then read by offset.
/// </summary>
internal sealed class JpegTileLevel
{
    public required int Directory { get; init; }

    public required long Width { get; init; }

    public required long Height { get; init; }

    public required int TileWidth { get; init; }

    public required int TileHeight { get; init; }

    public required long[] Offsets { get; init; }

    public required int[] ByteCounts { get; init; }

    /// <summary>The TIFF's JPEGTables (SOI, tables, EOI); empty when each tile carries its own tables.</summary>
    public required byte[] Tables { get; init; }

    /// <summary>True when the TIFF says YCbCr; false for RGB (Aperio writes RGB JPEG tiles without a transform).</summary>
    public required bool YCbCr { get; init; }

    /// <summary>
    /// What every tile's stream starts with in place of its own SOI: SOI, an Adobe APP14 naming the transform, and
    /// the tables without their SOI and EOI. Built once per level (a race builds it twice, identically).
    /// </summary>
    public byte[] StreamPrefix => streamPrefix ??= JpegTileDecoder.PrefixOf(this);

    private byte[]? streamPrefix;

    public int TilesAcross => (int)((Width + TileWidth - 1) / TileWidth);

    public int TilesDown => (int)((Height + TileHeight - 1) / TileHeight);
}
