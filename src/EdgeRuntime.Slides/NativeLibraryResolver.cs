using System.Reflection;
using System.Runtime.InteropServices;

namespace EdgeRuntime.Slides;

/// <summary>
/// Maps the logical native library names of this assembly to the sonames distributions install.
/// Debian ships only versioned files (<c>libopenslide.so.0</c>, no <c>libopenslide.so</c> link unless the -dev
/// package is installed), so the default probing would not find them.
/// </summary>
internal static class NativeLibraryResolver
{
    private static readonly Dictionary<string, string[]> Candidates = new(StringComparer.Ordinal)
    {
        // OpenSlide 4 first (it reads DICOM and more formats), then 3.4 as Debian 12 ships it.
        [OpenSlide.OpenSlideNative.Library] = ["libopenslide.so.1", "libopenslide.so.0", "libopenslide.so", "libopenslide.1.dylib", "libopenslide-1.dll", "libopenslide-0.dll"],
        [Images.TiffNative.Library] = ["libtiff.so.6", "libtiff.so.5", "libtiff.so", "libtiff.6.dylib", "libtiff.dll"],
        [DirectJpeg.TurboJpegNative.Library] = ["libturbojpeg.so.0", "libturbojpeg.so", "libturbojpeg.0.dylib", "turbojpeg.dll"],
    };

    /// <summary>
    /// Environment variable naming the exact libopenslide file to load, for a site that built OpenSlide 4
    /// itself (under /opt, say). When set, nothing else is tried.
    /// </summary>
    public const string OpenSlideOverrideVariable = "EDGERUNTIME_OPENSLIDE_LIBRARY";

    private static int registered;

    /// <summary>Installs the resolver once for this assembly.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);
        }
    }

    /// <summary>Loads the first installed candidate for <paramref name="name"/>, or returns 0.</summary>
    public static nint TryLoad(string name)
    {
        if (!Candidates.TryGetValue(name, out var files))
        {
            return 0;
        }

        if (name == OpenSlide.OpenSlideNative.Library && Environment.GetEnvironmentVariable(OpenSlideOverrideVariable) is { Length: > 0 } custom)
        {
            files = [custom];
        }

        foreach (var file in files)
        {
            if (NativeLibrary.TryLoad(file, out var handle))
            {
                return handle;
            }
        }

        return 0;
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) => TryLoad(name);
}
