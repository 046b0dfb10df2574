namespace EdgeRuntime.Abstractions.Slides;

/// <summary>What is known about an opened slide before any pixel is read.</summary>
public sealed record SlideInfo
{
    /// <summary>Absolute path of the file that was opened.</summary>
    public required string FilePath { get; init; }

    /// <summary>Format as the reader names it (OpenSlide's vendor, such as <c>aperio</c>, or <c>png</c>).</summary>
    public required string Format { get; init; }

    /// <summary>What decoded the file, with its version where known (<c>OpenSlide 3.4.1</c>, <c>libtiff</c>, <c>SkiaSharp</c>).</summary>
    public required string Reader { get; init; }

    /// <summary>The pyramid, level 0 first. Plain images have a single level.</summary>
    public required IReadOnlyList<SlideLevel> Levels { get; init; }

    /// <summary>Size of a level-0 pixel and its source.</summary>
    public required SlideResolution Resolution { get; init; }

    /// <summary>Every property the file declares, by name (vendor keys such as <c>aperio.AppMag</c>).</summary>
    public required IReadOnlyDictionary<string, string> Properties { get; init; }

    /// <summary>Label, macro and thumbnail images, where present.</summary>
    public required IReadOnlyList<AssociatedImageInfo> AssociatedImages { get; init; }

    /// <summary>Level-0 width.</summary>
    public long Width => Levels[0].Width;

    /// <summary>Level-0 height.</summary>
    public long Height => Levels[0].Height;
}
