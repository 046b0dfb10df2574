using System.Buffers;
using System.Runtime.InteropServices;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Slides.Resolution;

namespace EdgeRuntime.Slides.OpenSlide;

/// <summary>A whole-slide image read through libopenslide. Thread-safe for reads, as OpenSlide itself is.</summary>
internal sealed class OpenSlideSlide : ISlide
{
    private readonly OpenSlideHandle handle;
    private readonly string path;

    private OpenSlideSlide(string path, OpenSlideHandle handle, string vendor, ResolutionResolver resolver)
    {
        this.path = path;
        this.handle = handle;
        Info = ReadInfo(vendor, resolver);
    }

    /// <inheritdoc />
    public SlideInfo Info { get; }

    /// <summary>
    /// Opens <paramref name="path"/> when OpenSlide recognises its format; returns null when it does not,
    /// so that another reader may try.
    /// </summary>
    /// <exception cref="OpenSlideNotInstalledException">libopenslide is missing.</exception>
    /// <exception cref="SlideException">OpenSlide recognised the file but could not open it.</exception>
    public static OpenSlideSlide? TryOpen(string path, ResolutionResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        OpenSlideLibrary.EnsureAvailable();
        var vendorPtr = OpenSlideNative.DetectVendor(path);
        if (vendorPtr == 0)
        {
            return null;
        }

        var vendor = Marshal.PtrToStringUTF8(vendorPtr) ?? "unknown";
        var handle = OpenSlideNative.Open(path);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw new UnsupportedSlideException(path, $"OpenSlide {OpenSlideLibrary.Version} detected a '{vendor}' slide but could not open it.");
        }

        var error = ErrorOf(handle);
        if (error is not null)
        {
            handle.Dispose();
            throw new SlideReadException(path, $"OpenSlide could not open this '{vendor}' slide: {error}");
        }

        try
        {
            return new OpenSlideSlide(path, handle, vendor, resolver);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public unsafe void ReadRegion(int level, long x, long y, int width, int height, Span<byte> rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(level, Info.Levels.Count);
        var count = checked(width * height);
        if (rgb.Length < count * 3)
        {
            throw new ArgumentException($"Destination holds {rgb.Length} bytes; {count * 3} needed.", nameof(rgb));
        }

        // Pooled, so that reading tile after tile allocates nothing.
        var argb = ArrayPool<uint>.Shared.Rent(count);
        try
        {
            fixed (uint* dest = argb)
            {
                OpenSlideNative.ReadRegion(handle, dest, x, y, level, width, height);
            }

            // OpenSlide leaves a zeroed buffer on failure; zero is transparent and would pass on as white,
            // so the error must be checked before the pixels are trusted.
            ThrowIfError($"reading {width}x{height} px at ({x}, {y}) of level {level}");
            PremultipliedPixels.ArgbToRgbOverWhite(argb.AsSpan(0, count), rgb);
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(argb);
        }
    }

    /// <inheritdoc />
    public int GetBestLevelForDownsample(double downsample)
    {
        var level = OpenSlideNative.GetBestLevelForDownsample(handle, downsample);
        ThrowIfError("choosing a level");
        return Math.Max(level, 0);
    }

    /// <inheritdoc />
    public unsafe RgbImage ReadAssociatedImage(string name)
    {
        var info = Info.AssociatedImages.FirstOrDefault(a => a.Name == name)
            ?? throw new KeyNotFoundException($"{path}: no associated image '{name}' (present: {string.Join(", ", Info.AssociatedImages.Select(a => a.Name))}).");
        var count = checked((int)(info.Width * info.Height));
        var argb = new uint[count];
        fixed (uint* dest = argb)
        {
            OpenSlideNative.ReadAssociatedImage(handle, name, dest);
        }

        ThrowIfError($"reading associated image '{name}'");
        var image = new RgbImage((int)info.Width, (int)info.Height);
        PremultipliedPixels.ArgbToRgbOverWhite(argb, image.Span);
        return image;
    }

    /// <inheritdoc />
    public void Dispose() => handle.Dispose();

    private static string? ErrorOf(OpenSlideHandle handle)
    {
        var error = OpenSlideNative.GetError(handle);
        return error == 0 ? null : Marshal.PtrToStringUTF8(error);
    }

    private void ThrowIfError(string doing)
    {
        var error = ErrorOf(handle);
        if (error is not null)
        {
            throw new SlideReadException(path, $"OpenSlide failed {doing}: {error}");
        }
    }

    private SlideInfo ReadInfo(string vendor, ResolutionResolver resolver)
    {
        var levelCount = OpenSlideNative.GetLevelCount(handle);
        ThrowIfError("counting levels");
        var levels = new List<SlideLevel>(levelCount);
        for (var i = 0; i < levelCount; i++)
        {
            OpenSlideNative.GetLevelDimensions(handle, i, out var w, out var h);
            var downsample = OpenSlideNative.GetLevelDownsample(handle, i);
            ThrowIfError($"reading level {i}");
            levels.Add(new SlideLevel(i, w, h, downsample));
        }

        if (levels.Count == 0 || levels[0].Width <= 0 || levels[0].Height <= 0)
        {
            throw new SlideReadException(path, "OpenSlide reports no level with pixels.");
        }

        var properties = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in OpenSlideNative.ReadStringArray(OpenSlideNative.GetPropertyNames(handle)))
        {
            properties[name] = Marshal.PtrToStringUTF8(OpenSlideNative.GetPropertyValue(handle, name)) ?? string.Empty;
        }

        ThrowIfError("reading properties");
        var associated = new List<AssociatedImageInfo>();
        foreach (var name in OpenSlideNative.ReadStringArray(OpenSlideNative.GetAssociatedImageNames(handle)))
        {
            OpenSlideNative.GetAssociatedImageDimensions(handle, name, out var w, out var h);
            associated.Add(new AssociatedImageInfo(name, w, h));
        }

        ThrowIfError("listing associated images");
        return new SlideInfo
        {
            FilePath = path,
            Format = vendor,
            Reader = $"OpenSlide {OpenSlideLibrary.Version}",
            Levels = levels,
            Properties = properties,
            AssociatedImages = associated,
            Resolution = resolver.Resolve(properties),
        };
    }
}
