using System.Runtime.InteropServices;

namespace EdgeRuntime.Slides.Images;

/// <summary>
/// The few libtiff calls needed to decode an untiled TIFF, which OpenSlide's generic-TIFF reader refuses.
/// libtiff is already on the machine as a dependency of libopenslide, so this adds no package.
/// </summary>
internal static unsafe partial class TiffNative
{
    /// <summary>Logical name; <see cref="NativeLibraryResolver"/> maps it to the installed soname.</summary>
    public const string Library = "tiff";

    public const uint TagImageWidth = 256;
    public const uint TagImageLength = 257;
    public const uint TagXResolution = 282;
    public const uint TagYResolution = 283;
    public const uint TagResolutionUnit = 296;
    public const int OrientationTopLeft = 1;
    public const uint TagBitsPerSample = 258;
    public const uint TagCompression = 259;
    public const uint TagPhotometric = 262;
    public const uint TagSamplesPerPixel = 277;
    public const uint TagPlanarConfig = 284;
    public const uint TagTileWidth = 322;
    public const uint TagTileLength = 323;
    public const uint TagTileOffsets = 324;
    public const uint TagTileByteCounts = 325;
    public const uint TagJpegTables = 347;

    [LibraryImport(Library, EntryPoint = "TIFFOpen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint Open(string path, string mode);

    [LibraryImport(Library, EntryPoint = "TIFFClose")]
    public static partial void Close(nint tif);

    // TIFFGetField is variadic. On the System V x86-64 and AArch64 Linux ABIs a variadic callee reads a
    // pointer argument from the same register as a fixed one, so a fixed-signature import per type is sound there.
    [LibraryImport(Library, EntryPoint = "TIFFGetField")]
    public static partial int GetFieldUInt32(nint tif, uint tag, out uint value);

    [LibraryImport(Library, EntryPoint = "TIFFGetField")]
    public static partial int GetFieldUInt16(nint tif, uint tag, out ushort value);

    [LibraryImport(Library, EntryPoint = "TIFFGetField")]
    public static partial int GetFieldFloat(nint tif, uint tag, out float value);

    /// <summary>For array tags (tile offsets and byte counts: libtiff 4 hands out uint64 arrays it owns).</summary>
    [LibraryImport(Library, EntryPoint = "TIFFGetField")]
    public static partial int GetFieldPointer(nint tif, uint tag, out nint value);

    /// <summary>For counted blobs (JPEGTables: a uint32 count, then a pointer libtiff owns).</summary>
    [LibraryImport(Library, EntryPoint = "TIFFGetField")]
    public static partial int GetFieldCounted(nint tif, uint tag, out uint count, out nint value);

    [LibraryImport(Library, EntryPoint = "TIFFNumberOfDirectories")]
    public static partial ushort NumberOfDirectories(nint tif);

    [LibraryImport(Library, EntryPoint = "TIFFSetDirectory")]
    public static partial int SetDirectory(nint tif, ushort index);

    [LibraryImport(Library, EntryPoint = "TIFFNumberOfTiles")]
    public static partial uint NumberOfTiles(nint tif);

    [LibraryImport(Library, EntryPoint = "TIFFIsTiled")]
    public static partial int IsTiled(nint tif);

    /// <summary>Decodes the whole directory to premultiplied ABGR (R in the low byte), top row first.</summary>
    [LibraryImport(Library, EntryPoint = "TIFFReadRGBAImageOriented")]
    public static partial int ReadRgbaImageOriented(nint tif, uint width, uint height, uint* raster, int orientation, int stopOnError);

    [LibraryImport(Library, EntryPoint = "TIFFSetErrorHandler")]
    public static partial nint SetErrorHandler(delegate* unmanaged<byte*, byte*, nint, void> handler);

    [LibraryImport(Library, EntryPoint = "TIFFSetWarningHandler")]
    public static partial nint SetWarningHandler(delegate* unmanaged<byte*, byte*, nint, void> handler);
}

/// <summary>Formats libtiff's printf-style messages with the C library's own formatter.</summary>
internal static unsafe partial class LibC
{
    [LibraryImport("libc", EntryPoint = "vsnprintf")]
    public static partial int VsnPrintf(byte* buffer, nuint size, byte* format, nint args);
}
