using System.Runtime.InteropServices;

namespace EdgeRuntime.Slides.OpenSlide;

/// <summary>
/// The C API of libopenslide (3.4 and 4.x share these entry points). Strings that OpenSlide returns are
/// owned by OpenSlide, so they come back as pointers and are copied, never freed.
/// </summary>
internal static partial class OpenSlideNative
{
    /// <summary>Logical name; <see cref="NativeLibraryResolver"/> maps it to the installed soname.</summary>
    public const string Library = "openslide";

    [LibraryImport(Library, EntryPoint = "openslide_get_version")]
    public static partial nint GetVersion();

    [LibraryImport(Library, EntryPoint = "openslide_detect_vendor", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint DetectVendor(string filename);

    [LibraryImport(Library, EntryPoint = "openslide_open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial OpenSlideHandle Open(string filename);

    [LibraryImport(Library, EntryPoint = "openslide_close")]
    public static partial void Close(nint osr);

    [LibraryImport(Library, EntryPoint = "openslide_get_error")]
    public static partial nint GetError(OpenSlideHandle osr);

    [LibraryImport(Library, EntryPoint = "openslide_get_level_count")]
    public static partial int GetLevelCount(OpenSlideHandle osr);

    [LibraryImport(Library, EntryPoint = "openslide_get_level_dimensions")]
    public static partial void GetLevelDimensions(OpenSlideHandle osr, int level, out long w, out long h);

    [LibraryImport(Library, EntryPoint = "openslide_get_level_downsample")]
    public static partial double GetLevelDownsample(OpenSlideHandle osr, int level);

    [LibraryImport(Library, EntryPoint = "openslide_get_best_level_for_downsample")]
    public static partial int GetBestLevelForDownsample(OpenSlideHandle osr, double downsample);

    [LibraryImport(Library, EntryPoint = "openslide_read_region")]
    public static unsafe partial void ReadRegion(OpenSlideHandle osr, uint* dest, long x, long y, int level, long w, long h);

    [LibraryImport(Library, EntryPoint = "openslide_get_property_names")]
    public static partial nint GetPropertyNames(OpenSlideHandle osr);

    [LibraryImport(Library, EntryPoint = "openslide_get_property_value", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint GetPropertyValue(OpenSlideHandle osr, string name);

    [LibraryImport(Library, EntryPoint = "openslide_get_associated_image_names")]
    public static partial nint GetAssociatedImageNames(OpenSlideHandle osr);

    [LibraryImport(Library, EntryPoint = "openslide_get_associated_image_dimensions", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void GetAssociatedImageDimensions(OpenSlideHandle osr, string name, out long w, out long h);

    [LibraryImport(Library, EntryPoint = "openslide_read_associated_image", StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial void ReadAssociatedImage(OpenSlideHandle osr, string name, uint* dest);

    /// <summary>Copies a NULL-terminated array of UTF-8 strings owned by OpenSlide.</summary>
    public static IReadOnlyList<string> ReadStringArray(nint array)
    {
        var result = new List<string>();
        if (array == 0)
        {
            return result;
        }

        for (var i = 0; ; i++)
        {
            var item = Marshal.ReadIntPtr(array, i * nint.Size);
            if (item == 0)
            {
                return result;
            }

            result.Add(Marshal.PtrToStringUTF8(item) ?? string.Empty);
        }
    }
}
