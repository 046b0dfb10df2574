using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Tiling.Tissue;

/// <summary>
/// Finds the tissue on a slide. One seam, several methods, chosen by name in configuration
/// (<c>EdgeRuntime:Tissue:Detector</c>) through <see cref="TissueDetectors"/>.
/// </summary>
internal interface ITissueDetector
{
    /// <summary>The name configuration chooses it by (<c>saturation</c>, <c>none</c>).</summary>
    string Name { get; }

    /// <summary>Computes the slide's tissue mask.</summary>
    TissueMask Detect(ISlide slide);
}
