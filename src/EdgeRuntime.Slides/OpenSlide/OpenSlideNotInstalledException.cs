namespace EdgeRuntime.Slides.OpenSlide;

/// <summary>libopenslide could not be loaded. The message says which package provides it.</summary>
public sealed class OpenSlideNotInstalledException : Exception
{
    /// <summary>Creates the exception with the one-line installation hint.</summary>
    public OpenSlideNotInstalledException()
        : base(Environment.GetEnvironmentVariable(NativeLibraryResolver.OpenSlideOverrideVariable) is { Length: > 0 } custom
            ? $"libopenslide could not be loaded from {custom} ({NativeLibraryResolver.OpenSlideOverrideVariable}); unset it to use the system's, or install the Debian package libopenslide0."
            : "libopenslide is not installed: install the Debian package libopenslide0 (sudo apt-get install libopenslide0), or run install/install.sh.")
    {
    }
}
