using System.Runtime.InteropServices;

namespace EdgeRuntime.Slides.DirectJpeg;

/// <summary>
/// The few calls of libjpeg-turbo's TurboJPEG 2 API (Debian's libturbojpeg0) needed to decode a JPEG tile at a DCT
/// scale. Our own binding: the API is five functions, and a package would bring its own copy of the library.
/// </summary>
internal static unsafe partial class TurboJpegNative
{
    /// <summary>Logical name; <see cref="NativeLibraryResolver"/> maps it to the installed soname.</summary>
    public const string Library = "turbojpeg";

    /// <summary>TJPF_RGB: interleaved 8-bit R, G, B.</summary>
    public const int PixelFormatRgb = 0;

    /// <summary>
    /// TJFLAG_ACCURATEDCT: the integer slow IDCT, libjpeg's default and the one OpenSlide's libjpeg decode uses,
    /// so that a full-scale decode gives OpenSlide's pixels.
    /// </summary>
    public const int FlagAccurateDct = 4096;

    [LibraryImport(Library, EntryPoint = "tjInitDecompress")]
    public static partial nint InitDecompress();

    [LibraryImport(Library, EntryPoint = "tjDestroy")]
    public static partial int Destroy(nint handle);

    [LibraryImport(Library, EntryPoint = "tjDecompressHeader3")]
    public static partial int DecompressHeader(nint handle, byte* jpeg, nuint size, out int width, out int height, out int subsampling, out int colorspace);

    [LibraryImport(Library, EntryPoint = "tjDecompress2")]
    public static partial int Decompress(nint handle, byte* jpeg, nuint size, byte* destination, int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(Library, EntryPoint = "tjGetErrorStr2")]
    public static partial nint GetErrorString(nint handle);
}
