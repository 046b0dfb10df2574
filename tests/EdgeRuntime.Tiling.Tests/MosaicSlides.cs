using EdgeRuntime.TestSupport;

namespace EdgeRuntime.Tiling.Tests;

/// <summary>Generated once per test class: the default mosaic, with a black border and a pen stroke.</summary>
public sealed class MosaicSlides : IDisposable
{
    public GeneratedSlide Marked { get; } = new("marked.tiff", "--black-border", "120", "--pen");

    public void Dispose() => Marked.Dispose();
}
