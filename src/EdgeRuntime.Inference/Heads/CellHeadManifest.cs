using System.Text.Json.Serialization;

namespace EdgeRuntime.Inference.Heads;

/// <summary>A cell head's <c>head.json</c> (docs/cells.md, "Head packages").</summary>
public sealed record CellHeadManifest
{
    /// <summary>Format of this file: 1.</summary>
    public int SchemaVersion { get; init; }

    /// <summary>Always <c>cell-head</c>.</summary>
    public string Kind { get; init; } = "";

    /// <summary>The head's id ([A-Za-z0-9._-]+).</summary>
    public string Id { get; init; } = "";

    /// <summary>Its version.</summary>
    public string Version { get; init; } = "";

    /// <summary>What it finds, for people.</summary>
    public string Name { get; init; } = "";

    /// <summary>The encoder whose tokens it was trained on; it runs on no other.</summary>
    public CellHeadEncoder Encoder { get; init; } = new();

    /// <summary>The ONNX decoder, relative to the package folder.</summary>
    public string File { get; init; } = "";

    /// <summary>The graph's inputs.</summary>
    public CellHeadInputs Inputs { get; init; } = new();

    /// <summary>The graph's outputs.</summary>
    public CellHeadOutputs Outputs { get; init; } = new();

    /// <summary>Its classes, in the order of the class output's channels.</summary>
    public IReadOnlyList<CellHeadClass> Classes { get; init; } = [];

    /// <summary>The post-processing parameters it was tuned with.</summary>
    public CellHeadPostProcessing PostProcessing { get; init; } = new();

    /// <summary>How it was trained (free form, shown in provenance).</summary>
    public System.Text.Json.Nodes.JsonObject? Training { get; init; }

    /// <summary>SHA-256 of every file of the package but head.json.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();
}

/// <summary>The encoder a head was trained on: its model id, version and the SHA-256 of its model.json.</summary>
public sealed record CellHeadEncoder
{
    /// <summary>Model id.</summary>
    public string Id { get; init; } = "";

    /// <summary>Model version (informative: the hash decides).</summary>
    public string? Version { get; init; }

    /// <summary>SHA-256 of the model's model.json (which lists the hash of every file of it).</summary>
    public string Sha256 { get; init; } = "";
}

/// <summary>The head's graph inputs.</summary>
public sealed record CellHeadInputs
{
    /// <summary>One input per encoder depth: [tiles, tokens, width] as the model's dense output of that depth.</summary>
    public IReadOnlyList<CellHeadTokenInput> Tokens { get; init; } = [];

    /// <summary>The tile's pixels [tiles, 3, size, size], RGB in 0…1 (or as <see cref="PixelNormalisation"/> says), or null for a head on tokens alone.</summary>
    public string? Pixels { get; init; }

    /// <summary>
    /// How the pixels are normalised for the head: per channel (value / 255 − mean) / std, as an encoder's
    /// preprocessing; null (heads written before it) for RGB in 0…1.
    /// </summary>
    public CellHeadPixelNormalisation? PixelNormalisation { get; init; }
}

/// <summary>Per-channel normalisation of the pixels a head takes: (value / 255 − mean) / std, channels R, G, B.</summary>
public sealed record CellHeadPixelNormalisation
{
    /// <summary>Mean of each channel in 0…1.</summary>
    public IReadOnlyList<float> Mean { get; init; } = [];

    /// <summary>Standard deviation of each channel in 0…1, above 0.</summary>
    public IReadOnlyList<float> Std { get; init; } = [];
}

/// <summary>A token input of the head.</summary>
public sealed record CellHeadTokenInput
{
    /// <summary>The graph input's name.</summary>
    public string Input { get; init; } = "";

    /// <summary>The encoder depth (the model's <c>imageEncoder.dense[].depth</c>).</summary>
    public int Depth { get; init; }
}

/// <summary>The head's graph outputs, each at tile resolution.</summary>
public sealed record CellHeadOutputs
{
    /// <summary>Nucleus probability [tiles, size, size].</summary>
    public string Nucleus { get; init; } = "";

    /// <summary>Normalised distance to the nucleus edge [tiles, size, size].</summary>
    public string Distance { get; init; } = "";

    /// <summary>Class probabilities [tiles, classes, size, size].</summary>
    public string Classes { get; init; } = "";
}

/// <summary>A class the head tells apart.</summary>
public sealed record CellHeadClass
{
    /// <summary>Its name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Its colour, <c>#rrggbb</c>.</summary>
    [JsonPropertyName("colour")]
    public string Colour { get; init; } = "";
}

/// <summary>Post-processing parameters (docs/cells.md, "Post-processing").</summary>
public sealed record CellHeadPostProcessing
{
    /// <summary>Nucleus pixels: probability above this.</summary>
    public float ForegroundThreshold { get; init; } = 0.5f;

    /// <summary>Markers: distance above this.</summary>
    public float MarkerDistance { get; init; } = 0.5f;

    /// <summary>Nuclei and markers under this many pixels are dropped.</summary>
    public int MinimumArea { get; init; } = 10;

    /// <summary>A nucleus with single-class parts of two or more classes, each of at least this many pixels, is split into them; 0 (absent): never.</summary>
    public int ClassSplitArea { get; init; }
}
