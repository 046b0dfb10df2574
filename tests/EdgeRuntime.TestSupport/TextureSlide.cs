using System.Globalization;

namespace EdgeRuntime.TestSupport;

/// <summary>
/// A pyramidal slide of known regions (<c>tools/make-texture-slide.py</c>): rectangles of the texture test model's
/// source images, painted in order, so that a later one makes a hole in an earlier one.
/// </summary>
public sealed class TextureSlide : IDisposable
{
    private readonly TempDirectory directory = new();

    /// <summary>Generates the slide.</summary>
    /// <param name="width">Level-0 width.</param>
    /// <param name="height">Level-0 height.</param>
    /// <param name="regions">Class and level-0 box (x0, y0, x1, y1, exclusive), in painting order.</param>
    /// <param name="name">The file name.</param>
    /// <param name="micronsPerPixel">µm/px written into the TIFF's resolution tags; the textures are scaled to keep their size in µm.</param>
    public TextureSlide(long width, long height, IReadOnlyList<(string Class, long X0, long Y0, long X1, long Y1)> regions, string name = "textures.tiff", double micronsPerPixel = 0.5)
    {
        ArgumentNullException.ThrowIfNull(regions);
        Path = directory.File(name);
        Width = width;
        Height = height;
        Regions = regions;
        MicronsPerPixel = micronsPerPixel;
        var inv = CultureInfo.InvariantCulture;
        var arguments = new List<string>
        {
            System.IO.Path.Combine(TestData.RepoRoot, "tools", "make-texture-slide.py"), "--images", System.IO.Path.GetDirectoryName(TestModel.SourceImage("brick"))!,
            "--out", Path, "--width", width.ToString(inv), "--height", height.ToString(inv), "--mpp", micronsPerPixel.ToString(inv),
            // The textures keep their physical size (the model learnt them at 0.5 µm/px) whatever the slide's µm/px.
            "--texture-scale", (0.5 / micronsPerPixel).ToString(inv),
        };
        foreach (var r in regions)
        {
            arguments.Add("--region");
            arguments.Add(string.Create(inv, $"{r.Class}:{r.X0},{r.Y0},{r.X1},{r.Y1}"));
        }

        ExternalTool.Run(ExternalTool.DebianPython, arguments);
    }

    /// <summary>The slide file.</summary>
    public string Path { get; }

    /// <summary>Level-0 width.</summary>
    public long Width { get; }

    /// <summary>Level-0 height.</summary>
    public long Height { get; }

    /// <summary>µm/px in the TIFF's tags.</summary>
    public double MicronsPerPixel { get; }

    /// <summary>The regions, in painting order.</summary>
    public IReadOnlyList<(string Class, long X0, long Y0, long X1, long Y1)> Regions { get; }

    /// <summary>The class painted last at level-0 point (<paramref name="x"/>, <paramref name="y"/>), or null on glass.</summary>
    public string? ClassAt(double x, double y) =>
        Regions.LastOrDefault(r => x >= r.X0 && x < r.X1 && y >= r.Y0 && y < r.Y1).Class;

    /// <inheritdoc />
    public void Dispose() => directory.Dispose();
}
