using System.Runtime.InteropServices;

namespace EdgeRuntime.Slides.OpenSlide;

/// <summary>Finds libopenslide once and tells clearly when it is missing.</summary>
internal static class OpenSlideLibrary
{
    private static readonly Lazy<string?> LoadedVersion = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when libopenslide could be loaded.</summary>
    public static bool IsAvailable => LoadedVersion.Value is not null;

    /// <summary>The installed OpenSlide's version, such as <c>3.4.1</c>.</summary>
    /// <exception cref="OpenSlideNotInstalledException">libopenslide is not installed.</exception>
    public static string Version => LoadedVersion.Value ?? throw new OpenSlideNotInstalledException();

    /// <summary>Major version of the installed OpenSlide.</summary>
    public static int MajorVersion => int.TryParse(Version.Split('.')[0], out var major) ? major : 0;

    /// <summary>Throws <see cref="OpenSlideNotInstalledException"/> unless libopenslide can be used.</summary>
    public static void EnsureAvailable() => _ = Version;

    private static string? Load()
    {
        NativeLibraryResolver.Register();
        if (NativeLibraryResolver.TryLoad(OpenSlideNative.Library) == 0)
        {
            return null;
        }

        return Marshal.PtrToStringUTF8(OpenSlideNative.GetVersion()) ?? "unknown";
    }
}
