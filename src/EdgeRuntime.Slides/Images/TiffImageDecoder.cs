using System.Globalization;
using System.Runtime.InteropServices;
using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Slides.Resolution;

namespace EdgeRuntime.Slides.Images;

/// <summary>Decodes a whole TIFF image (any layout libtiff supports) to RGB over white, with its resolution tags.</summary>
internal static unsafe class TiffImageDecoder
{
    [ThreadStatic]
    private static string? lastError;

    private static readonly Lazy<bool> Initialised = new(Initialise);

    /// <summary>Loads libtiff and installs the handlers that keep its messages; false when libtiff is missing.</summary>
    public static bool EnsureLibTiff() => Initialised.Value;

    /// <summary>libtiff's last error message on this thread, cleared by <see cref="ClearLastError"/>.</summary>
    public static string? LastError => lastError;

    /// <summary>Forgets this thread's last libtiff error.</summary>
    public static void ClearLastError() => lastError = null;

    /// <summary>Decodes <paramref name="path"/>; properties get the resolution tags under OpenSlide's names.</summary>
    /// <exception cref="SlideException">libtiff cannot read the file, or it is larger than <paramref name="maxPixels"/>.</exception>
    public static RgbImage Decode(string path, long maxPixels, IDictionary<string, string> properties)
    {
        if (!Initialised.Value)
        {
            throw new UnsupportedSlideException(path, "libtiff is not installed (Debian package libtiff6), so plain TIFF files cannot be read.");
        }

        lastError = null;
        var tif = TiffNative.Open(path, "r");
        if (tif == 0)
        {
            throw new UnsupportedSlideException(path, $"not a readable TIFF ({lastError ?? "libtiff could not open it"}).");
        }

        try
        {
            if (TiffNative.GetFieldUInt32(tif, TiffNative.TagImageWidth, out var width) == 0
                || TiffNative.GetFieldUInt32(tif, TiffNative.TagImageLength, out var height) == 0 || width == 0 || height == 0)
            {
                throw new SlideReadException(path, "the TIFF has no image size.");
            }

            if ((long)width * height > maxPixels)
            {
                throw new UnsupportedSlideException(path, $"a {width}x{height} plain TIFF is larger than the {maxPixels} px allowed for images decoded whole; save it as a tiled pyramidal TIFF.");
            }

            ReadResolutionTags(tif, properties);
            var raster = new uint[checked((int)(width * height))];
            int ok;
            fixed (uint* dest = raster)
            {
                ok = TiffNative.ReadRgbaImageOriented(tif, width, height, dest, TiffNative.OrientationTopLeft, stopOnError: 1);
            }

            if (ok == 0)
            {
                throw new SlideReadException(path, $"libtiff could not decode the pixels: {lastError ?? "unknown error"}.");
            }

            var image = new RgbImage((int)width, (int)height);
            PremultipliedPixels.AbgrToRgbOverWhite(raster, image.Span);
            return image;
        }
        finally
        {
            TiffNative.Close(tif);
        }
    }

    private static void ReadResolutionTags(nint tif, IDictionary<string, string> properties)
    {
        if (TiffNative.GetFieldFloat(tif, TiffNative.TagXResolution, out var xres) != 0)
        {
            properties[ResolutionResolver.TiffXResolutionProperty] = xres.ToString("R", CultureInfo.InvariantCulture);
        }

        if (TiffNative.GetFieldFloat(tif, TiffNative.TagYResolution, out var yres) != 0)
        {
            properties[ResolutionResolver.TiffYResolutionProperty] = yres.ToString("R", CultureInfo.InvariantCulture);
        }

        if (TiffNative.GetFieldUInt16(tif, TiffNative.TagResolutionUnit, out var unit) != 0)
        {
            properties[ResolutionResolver.TiffResolutionUnitProperty] = unit switch { 2 => "inch", 3 => "centimeter", _ => "none" };
        }
    }

    private static bool Initialise()
    {
        NativeLibraryResolver.Register();
        if (NativeLibraryResolver.TryLoad(TiffNative.Library) == 0)
        {
            return false;
        }

        // libtiff prints to stderr by default; keep its message for the exception instead.
        TiffNative.SetErrorHandler(&OnError);
        TiffNative.SetWarningHandler(&OnWarning);
        return true;
    }

    [UnmanagedCallersOnly]
    private static void OnError(byte* module, byte* format, nint args)
    {
        const int size = 512;
        var buffer = stackalloc byte[size];
        _ = LibC.VsnPrintf(buffer, size, format, args);
        lastError = Marshal.PtrToStringUTF8((nint)buffer);
    }

    [UnmanagedCallersOnly]
    private static void OnWarning(byte* module, byte* format, nint args)
    {
        // Warnings (unknown private tags and the like) are normal in scanner output and are not errors.
    }
}
