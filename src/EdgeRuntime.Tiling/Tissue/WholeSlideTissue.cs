using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Tiling.Tissue;

/// <summary>The <c>none</c> detector: the whole slide counts as tissue, so every grid position is kept.</summary>
internal sealed class WholeSlideTissue : ITissueDetector
{
    /// <inheritdoc />
    public string Name => TissueDetectors.None;

    /// <inheritdoc />
    public TissueMask Detect(ISlide slide)
    {
        ArgumentNullException.ThrowIfNull(slide);
        return All(slide.Info.Width, slide.Info.Height);
    }

    /// <summary>A one-pixel mask that covers a slide of the given size with tissue.</summary>
    public static TissueMask All(long width, long height) => new(1, 1, width, height, [1], 0);
}
