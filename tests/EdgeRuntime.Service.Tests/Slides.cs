using System.Globalization;
using EdgeRuntime.TestSupport;

namespace EdgeRuntime.Service.Tests;

/// <summary>Generated slides with known layouts; distinct offsets give distinct content, hence distinct ids.</summary>
internal static class Slides
{
    /// <summary>A small slide (2048 × 1536, a 1024 × 512 tissue block): a few dozen tiles.</summary>
    public static GeneratedSlide Small(int variant) => new(
        $"small-{variant}.tiff", "--width", "2048", "--height", "1536", "--block-x", (448 + (16 * variant)).ToString(CultureInfo.InvariantCulture), "--block-y", "512", "--cols", "2", "--rows", "1");

    /// <summary>Like <see cref="Small"/>, for many slides at once (up to 300 distinct): the block moves across and down.</summary>
    public static GeneratedSlide Many(int variant) => new(
        $"many-{variant}.tiff", "--width", "2048", "--height", "1536", "--block-x", (448 + (16 * (variant % 30))).ToString(CultureInfo.InvariantCulture),
        "--block-y", (256 + (16 * (variant / 30))).ToString(CultureInfo.InvariantCulture), "--cols", "2", "--rows", "1");

    /// <summary>A larger slide (6144 × 4096, a 2560 × 2048 block): a couple of hundred tiles, seconds of work.</summary>
    public static GeneratedSlide Large(int variant) => new(
        $"large-{variant}.tiff", "--width", "6144", "--height", "4096", "--block-x", (1024 + (64 * variant)).ToString(CultureInfo.InvariantCulture), "--block-y", "1024", "--cols", "5", "--rows", "4");
}
