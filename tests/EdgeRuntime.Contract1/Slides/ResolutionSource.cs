namespace EdgeRuntime.Abstractions.Slides;

/// <summary>Where a slide's microns-per-pixel value came from, from most to least trustworthy.</summary>
public enum ResolutionSource
{
    /// <summary>The scanner's own calibration (<c>openslide.mpp-x</c> / <c>openslide.mpp-y</c>).</summary>
    SlideProperty,

    /// <summary>Derived from the objective power (10× ≈ 1.0 µm/px, 20× ≈ 0.5, 40× ≈ 0.25).</summary>
    ObjectivePower,

    /// <summary>Derived from the TIFF XResolution/YResolution tags and their unit.</summary>
    TiffResolutionTags,

    /// <summary>Derived from an image file's own density metadata (for example PNG <c>pHYs</c>).</summary>
    ImageMetadata,

    /// <summary>Nothing in the file says; the configured default was used.</summary>
    ConfiguredDefault,
}
