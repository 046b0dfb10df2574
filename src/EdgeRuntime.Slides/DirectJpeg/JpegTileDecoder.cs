using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace EdgeRuntime.Slides.DirectJpeg;

/// <summary>
/// Decodes one TIFF JPEG tile with libjpeg-turbo, whole or at 1/2, 1/4 or 1/8 of its size (the IDCT then computes
/// only the coefficients that size needs). A TIFF tile is an abbreviated JPEG stream whose tables live in the
/// file's JPEGTables; the two are joined into one stream, with an Adobe marker that states the colour space the
/// TIFF declares, because libjpeg would otherwise guess YCbCr for Aperio's RGB tiles. Thread-safe: each call
/// borrows a TurboJPEG handle from a pool.
/// </summary>
internal sealed class JpegTileDecoder : IDisposable
{
    private readonly ConcurrentBag<nint> handles = [];
    private int disposed;

    /// <summary>True when libturbojpeg (Debian package libturbojpeg0) can be loaded.</summary>
    public static bool IsAvailable => Available.Value;

    private static readonly Lazy<bool> Available = new(() =>
    {
        NativeLibraryResolver.Register();
        return NativeLibraryResolver.TryLoad(TurboJpegNative.Library) != 0;
    });

    /// <summary>
    /// Decodes tile <paramref name="tile"/> of <paramref name="level"/> into <paramref name="rgb"/>,
    /// <c>ceil(TileWidth / denominator) × ceil(TileHeight / denominator)</c> RGB. <paramref name="buffer"/> holds
    /// room for the level's <see cref="JpegTileLevel.StreamPrefix"/> less two bytes, then the tile's bytes as the file
    /// has them (read there in one positional read): the prefix is written over the room and the tile's SOI, so the
    /// stream is assembled without a copy of the tile.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream is not a JPEG of the tile's size, or libjpeg reported an error or a warning (a truncated or corrupt tile).</exception>
    public unsafe void Decode(JpegTileLevel level, int tile, Span<byte> buffer, int denominator, Span<byte> rgb)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        var prefix = level.StreamPrefix;
        var start = prefix.Length - 2;
        if (buffer.Length < start + 4 || buffer[start] != 0xFF || buffer[start + 1] != 0xD8)
        {
            throw new InvalidDataException($"tile {tile} of TIFF directory {level.Directory} is not a JPEG stream");
        }

        prefix.CopyTo(buffer);
        var stream = buffer;
        var width = (level.TileWidth + denominator - 1) / denominator;
        var height = (level.TileHeight + denominator - 1) / denominator;
        if (rgb.Length < width * height * 3)
        {
            throw new ArgumentException($"Destination holds {rgb.Length} bytes; {width * height * 3} needed.", nameof(rgb));
        }

        var handle = Rent();
        try
        {
            fixed (byte* source = stream)
            fixed (byte* destination = rgb)
            {
                if (TurboJpegNative.DecompressHeader(handle, source, (nuint)stream.Length, out var jpegWidth, out var jpegHeight, out _, out _) != 0)
                {
                    throw new InvalidDataException($"tile {tile} of TIFF directory {level.Directory}: {ErrorOf(handle)}");
                }

                if (jpegWidth != level.TileWidth || jpegHeight != level.TileHeight)
                {
                    throw new InvalidDataException($"tile {tile} of TIFF directory {level.Directory} is a {jpegWidth}x{jpegHeight} JPEG in a grid of {level.TileWidth}x{level.TileHeight} tiles");
                }

                // Any -1 counts, warnings included: libjpeg warns on a truncated stream and fills the rest with grey.
                if (TurboJpegNative.Decompress(handle, source, (nuint)stream.Length, destination, width, width * 3, height, TurboJpegNative.PixelFormatRgb, TurboJpegNative.FlagAccurateDct) != 0)
                {
                    throw new InvalidDataException($"tile {tile} of TIFF directory {level.Directory}: {ErrorOf(handle)}");
                }
            }
        }
        finally
        {
            handles.Add(handle);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        while (handles.TryTake(out var handle))
        {
            _ = TurboJpegNative.Destroy(handle);
        }
    }

    /// <summary>SOI, an Adobe APP14 naming the transform, the tables without their SOI/EOI: a tile's stream before its own bytes after SOI.</summary>
    public static byte[] PrefixOf(JpegTileLevel level)
    {
        ArgumentNullException.ThrowIfNull(level);
        ReadOnlySpan<byte> tables = level.Tables;
        if (tables.Length >= 2 && tables[0] == 0xFF && tables[1] == 0xD8)
        {
            tables = tables[2..];
        }

        if (tables.Length >= 2 && tables[^2] == 0xFF && tables[^1] == 0xD9)
        {
            tables = tables[..^2];
        }

        ReadOnlySpan<byte> adobe = [0xFF, 0xEE, 0x00, 0x0E, (byte)'A', (byte)'d', (byte)'o', (byte)'b', (byte)'e', 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, level.YCbCr ? (byte)1 : (byte)0];
        var prefix = new byte[2 + adobe.Length + tables.Length];
        prefix[0] = 0xFF;
        prefix[1] = 0xD8;
        adobe.CopyTo(prefix.AsSpan(2));
        tables.CopyTo(prefix.AsSpan(2 + adobe.Length));
        return prefix;
    }

    private nint Rent()
    {
        if (handles.TryTake(out var handle))
        {
            return handle;
        }

        handle = TurboJpegNative.InitDecompress();
        return handle != 0 ? handle : throw new InvalidOperationException("libturbojpeg could not create a decompressor (out of memory).");
    }

    private static string ErrorOf(nint handle) => Marshal.PtrToStringUTF8(TurboJpegNative.GetErrorString(handle)) ?? "unknown libjpeg error";
}
