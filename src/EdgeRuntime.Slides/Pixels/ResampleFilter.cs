namespace EdgeRuntime.Slides.Pixels;

/// <summary>Interpolation kernels, with Pillow's names and definitions.</summary>
public enum ResampleFilter
{
    /// <summary>Triangle kernel, support 1 (Pillow <c>Image.BILINEAR</c>).</summary>
    Bilinear,

    /// <summary>Keys cubic kernel with a = −0.5, support 2 (Pillow <c>Image.BICUBIC</c>), what CLIP preprocessing uses.</summary>
    Bicubic,
}
