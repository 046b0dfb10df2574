using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Tiling.Tissue;

/// <summary>Finds the tissue on a slide. One seam, several possible methods (thresholding now; a segmentation network later).</summary>
public interface ITissueDetector
{
    /// <summary>Computes the slide's tissue mask.</summary>
    TissueMask Detect(ISlide slide);
}
