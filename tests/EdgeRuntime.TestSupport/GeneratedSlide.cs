using System.Globalization;
using System.Text.Json;

namespace EdgeRuntime.TestSupport;

/// <summary>
/// A pyramidal JPEG TIFF made by <c>tools/make-sample-slide.py</c> (Pillow + vips) from the shared ihc.png:
/// a block of tissue copies at a known place on glass, with wide blank margins, and optionally a black
/// scanner border and a green pen stroke. The layout is known before any of our code runs.
/// </summary>
public sealed class GeneratedSlide : IDisposable
{
    private readonly TempDirectory directory = new();

    /// <summary>Generates the slide; the arguments are passed to the tool.</summary>
    public GeneratedSlide(string name = "mosaic.tiff", params string[] toolArguments)
    {
        Path = directory.File(name);
        var script = System.IO.Path.Combine(TestData.RepoRoot, "tools", "make-sample-slide.py");
        var output = ExternalTool.Run(ExternalTool.DebianPython, new[] { script, "--image", TestData.Image("ihc.png"), "--out", Path }.Concat(toolArguments));
        using var layout = JsonDocument.Parse(output);
        var root = layout.RootElement;
        Width = root.GetProperty("width").GetInt64();
        Height = root.GetProperty("height").GetInt64();
        MicronsPerPixel = root.GetProperty("mpp").GetDouble();
        Tissue = Box(root.GetProperty("tissue"));
        BlackBorder = root.TryGetProperty("blackBorder", out var border) ? Box(border) : null;
        Pen = root.TryGetProperty("pen", out var pen) ? Box(pen) : null;
    }

    /// <summary>The slide file.</summary>
    public string Path { get; }

    /// <summary>Level-0 width.</summary>
    public long Width { get; }

    /// <summary>Level-0 height.</summary>
    public long Height { get; }

    /// <summary>µm/px written into the TIFF resolution tags.</summary>
    public double MicronsPerPixel { get; }

    /// <summary>The tissue block, x0, y0, x1, y1 (exclusive), in level-0 pixels.</summary>
    public (long X0, long Y0, long X1, long Y1) Tissue { get; }

    /// <summary>The black border, when drawn.</summary>
    public (long X0, long Y0, long X1, long Y1)? BlackBorder { get; }

    /// <summary>The pen stroke's bounding box, when drawn.</summary>
    public (long X0, long Y0, long X1, long Y1)? Pen { get; }

    /// <inheritdoc />
    public void Dispose() => directory.Dispose();

    /// <summary>Formats a number for the tool's command line.</summary>
    public static string Arg(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static (long, long, long, long) Box(JsonElement e) =>
        (e[0].GetInt64(), e[1].GetInt64(), e[2].GetInt64(), e[3].GetInt64());
}
