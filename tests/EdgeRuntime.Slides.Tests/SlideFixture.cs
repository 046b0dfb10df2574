using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Slides.Tests;

/// <summary>One opener with default options, as the product configures it.</summary>
internal static class Slides
{
    public static SlideOpener Opener { get; } = new(new SlideReadingOptions());

    public static ISlide Open(string path) => Opener.Open(path);

    public static byte[] Read(ISlide slide, int level, long x, long y, int width, int height)
    {
        var buffer = new byte[width * height * 3];
        slide.ReadRegion(level, x, y, width, height, buffer);
        return buffer;
    }
}
