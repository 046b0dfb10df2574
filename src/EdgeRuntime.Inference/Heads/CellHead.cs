using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeRuntime.Inference.Heads;

/// <summary>
/// A cell head package loaded for one model: a decoder on that model's dense tokens (and the tile's pixels) giving
/// per-pixel nucleus, distance and class maps. A head is bound to the encoder it was trained on by the encoder's id and
/// the SHA-256 of its model.json: tokens of any other encoder (another model, another version, other weights) mean
/// nothing to it, so it is refused on them with the reason. One batch runs at a time.
/// </summary>
public sealed partial class CellHead : IDisposable
{
    /// <summary>The manifest's file name in a head package.</summary>
    public const string ManifestFile = "head.json";

    private readonly InferenceSession session;
    private readonly CellHeadTokenInput[] tokenInputs;
    private readonly Lock gate = new();

    private CellHead(string directory, CellHeadManifest manifest, ModelIdentity identity, InferenceSession session, string executionProvider, int tileSize)
    {
        ExecutionProvider = executionProvider;
        Directory = directory;
        Manifest = manifest;
        Identity = identity;
        this.session = session;
        TileSize = tileSize;
        tokenInputs = [.. manifest.Inputs.Tokens];
    }

    /// <summary>The package folder.</summary>
    public string Directory { get; }

    /// <summary>The manifest.</summary>
    public CellHeadManifest Manifest { get; }

    /// <summary>Id, version and SHA-256 of head.json (which lists the hash of every file): what a result names.</summary>
    public ModelIdentity Identity { get; }

    /// <summary>Side of the tiles and of the maps.</summary>
    public int TileSize { get; }

    /// <summary>The execution provider its session runs on (the first of the configured ones that works, as the encoder's).</summary>
    public string ExecutionProvider { get; }

    /// <summary>Whether its session has been released (the head was swapped out and its last slide ended).</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>
    /// Loads the head in <paramref name="directory"/> for <paramref name="model"/>, its session made with
    /// <paramref name="options"/> (the execution providers and threads the model's own sessions use).
    /// </summary>
    /// <exception cref="CellHeadException">The package is refused; the message says every reason.</exception>
    public static CellHead Load(string directory, ModelPackage model, InferenceOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        try
        {
            // Before anything of the head is read here: its graph is opened and run in a child first, as a model's is
            // (docs/security.md, plugins), since a hash-valid graph can still crash, hang or exhaust ONNX Runtime.
            options.PackageCheck?.Invoke(directory, model.Directory);
        }
        catch (ModelPackageException e)
        {
            throw new CellHeadException(directory, e.Problems);
        }

        var manifestPath = Path.Combine(directory, ManifestFile);
        if (!File.Exists(manifestPath))
        {
            throw new CellHeadException(directory, [System.IO.Directory.Exists(directory) ? "head.json: missing." : "the folder does not exist."]);
        }

        CellHeadManifest manifest;
        try
        {
            using var stream = File.OpenRead(manifestPath);
            manifest = JsonSerializer.Deserialize(stream, CellHeadJsonContext.Default.CellHeadManifest) ?? throw new CellHeadException(directory, ["head.json: empty."]);
        }
        catch (JsonException e)
        {
            throw new CellHeadException(directory, [$"head.json: {Foundation.JsonErrorText.Describe(e, CellHeadJsonContext.Default.CellHeadManifest)}"]);
        }

        var problems = Validate(manifest, model).ToList();
        if (problems.Count == 0)
        {
            problems.AddRange(PackageFiles.Verify(directory, manifest.Files, ManifestFile));
        }

        if (problems.Count > 0)
        {
            throw new CellHeadException(directory, problems);
        }

        SessionFactory.Created created;
        try
        {
            created = new SessionFactory(options, logger).Create(Path.Combine(directory, manifest.File), "cell head");
        }
        catch (OnnxRuntimeException e)
        {
            throw new CellHeadException(directory, [$"{manifest.File}: ONNX Runtime cannot load it: {e.Message.Split('\n')[0]}"]);
        }

        var session = created.Session;
        var missing = manifest.Inputs.Tokens.Select(t => t.Input).Append(manifest.Inputs.Pixels).OfType<string>().Where(n => !session.InputMetadata.ContainsKey(n))
            .Select(n => $"inputs: '{n}' is not an input of {manifest.File}")
            .Concat(new[] { manifest.Outputs.Nucleus, manifest.Outputs.Distance, manifest.Outputs.Classes }.Where(n => !session.OutputMetadata.ContainsKey(n)).Select(n => $"outputs: '{n}' is not an output of {manifest.File}"))
            .ToList();
        if (missing.Count > 0)
        {
            session.Dispose();
            throw new CellHeadException(directory, missing);
        }

        var identity = new ModelIdentity(manifest.Id, manifest.Version, PackageFiles.Sha256(manifestPath));
        return new CellHead(directory, manifest, identity, session, created.Provider, model.Manifest.Tiling.TileSize);
    }

    /// <summary>The class colours as RGB.</summary>
    public IReadOnlyList<(byte R, byte G, byte B)> Colours =>
        [.. Manifest.Classes.Select(c => (
            byte.Parse(c.Colour.AsSpan(1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            byte.Parse(c.Colour.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            byte.Parse(c.Colour.AsSpan(5, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)))];

    /// <summary>
    /// Runs the head on tiles <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1 of a
    /// batch. Returns, per tile, planar maps: nucleus [size²], distance [size²], classes [classes × size²].
    /// </summary>
    /// <exception cref="InvalidOperationException">The batch lacks a depth or the pixels this head takes; the message says which.</exception>
    public (float[] Nucleus, float[] Distance, float[] Classes) Run(EmbeddingBatch batch, int first, int count)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var size = TileSize;
        var pixelsPerTile = size * size;
        var classes = Manifest.Classes.Count;
        var inputs = new List<(string Name, float[] Values, long[] Shape)>();
        foreach (var input in tokenInputs)
        {
            var dense = batch.Dense.FirstOrDefault(d => d.Depth == input.Depth)
                ?? throw new InvalidOperationException($"the encoder gave no tokens at depth {input.Depth}, which cell head '{Manifest.Id}' takes.");
            var perTile = dense.TokensPerTile * dense.Width;
            inputs.Add((input.Input, dense.Values.Span.Slice(first * perTile, count * perTile).ToArray(), [count, dense.TokensPerTile, dense.Width]));
        }

        if (Manifest.Inputs.Pixels is { } pixelInput)
        {
            var tiles = batch.Pixels ?? throw new InvalidOperationException($"cell head '{Manifest.Id}' takes the tiles' pixels, and this run gave none (a plain image encoded whole).");
            var (scale, offset) = PixelScaling(Manifest.Inputs.PixelNormalisation);
            var values = new float[count * 3 * pixelsPerTile];
            for (var t = 0; t < count; t++)
            {
                var rgb = tiles.PixelsOf(first + t);
                var plane = t * 3 * pixelsPerTile;
                for (var c = 0; c < 3; c++)
                {
                    var channel = values.AsSpan(plane + (c * pixelsPerTile), pixelsPerTile);
                    for (var p = 0; p < pixelsPerTile; p++)
                    {
                        channel[p] = (rgb[(3 * p) + c] * scale[c]) + offset[c];
                    }
                }
            }

            inputs.Add((pixelInput, values, [count, 3, size, size]));
        }

        var nucleus = new float[count * pixelsPerTile];
        var distance = new float[count * pixelsPerTile];
        var classMaps = new float[count * classes * pixelsPerTile];
        var outputs = new (string Name, float[] Values, long[] Shape)[]
        {
            (Manifest.Outputs.Nucleus, nucleus, [count, size, size]),
            (Manifest.Outputs.Distance, distance, [count, size, size]),
            (Manifest.Outputs.Classes, classMaps, [count, classes, size, size]),
        };
        lock (gate)
        {
            var inputValues = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Values, i.Shape)).ToList();
            var outputValues = outputs.Select(o => OrtValue.CreateTensorValueFromMemory(o.Values, o.Shape)).ToList();
            try
            {
                using var runOptions = new RunOptions();
                session.Run(runOptions, [.. inputs.Select(i => i.Name)], inputValues, [.. outputs.Select(o => o.Name)], outputValues);
            }
            finally
            {
                inputValues.ForEach(v => v.Dispose());
                outputValues.ForEach(v => v.Dispose());
            }
        }

        return (nucleus, distance, classMaps);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (gate)
        {
            // Under the run's lock: a batch that is running finishes before its session goes.
            IsDisposed = true;
            session.Dispose();
        }
    }

    // value / 255 in 0…1 for heads that declare no normalisation (those written before the field); else the declared
    // (value / 255 − mean) / std, folded into one multiply and add per channel.
    private static (float[] Scale, float[] Offset) PixelScaling(CellHeadPixelNormalisation? normalisation)
    {
        if (normalisation is null)
        {
            return ([1 / 255f, 1 / 255f, 1 / 255f], [0, 0, 0]);
        }

        var scale = new float[3];
        var offset = new float[3];
        for (var c = 0; c < 3; c++)
        {
            scale[c] = 1 / (255f * normalisation.Std[c]);
            offset[c] = -normalisation.Mean[c] / normalisation.Std[c];
        }

        return (scale, offset);
    }

    private static IEnumerable<string> Validate(CellHeadManifest m, ModelPackage model)
    {
        if (m.SchemaVersion != 1)
        {
            yield return $"schemaVersion: {m.SchemaVersion}; this runtime reads cell heads of version 1.";
        }

        if (m.Kind != "cell-head")
        {
            yield return $"kind: '{m.Kind}'; a cell head's kind is 'cell-head'.";
        }

        if (!IdPattern().IsMatch(m.Id))
        {
            yield return $"id: '{m.Id}' is not letters, digits, '.', '_' and '-'.";
        }

        var encoder = model.Identity;
        if (m.Encoder.Id != encoder.Id || !string.Equals(m.Encoder.Sha256, encoder.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            // The reason in the user's words: which encoder the head knows, and which one would feed it.
            yield return $"encoder: trained on model '{m.Encoder.Id}' {m.Encoder.Version} (model.json sha256 {Short(m.Encoder.Sha256)}), "
                + $"but the model is '{encoder.Id}' {encoder.Version} (sha256 {Short(encoder.Sha256)}); a head reads only the tokens of the encoder it was trained on.";
            yield break;
        }

        if (m.Inputs.Tokens.Count == 0)
        {
            yield return "inputs.tokens: empty; a cell head takes the tokens of at least one encoder depth.";
        }

        var depths = (model.Manifest.ImageEncoder.Dense ?? []).Select(d => d.Depth).ToHashSet();
        foreach (var t in m.Inputs.Tokens.Where(t => !depths.Contains(t.Depth)))
        {
            yield return $"inputs.tokens: depth {t.Depth} is not among the model's dense outputs ({(depths.Count == 0 ? "none" : string.Join(", ", depths.Order()))}).";
        }

        if (m.Inputs.PixelNormalisation is { } normalisation)
        {
            if (m.Inputs.Pixels is null)
            {
                yield return "inputs.pixelNormalisation: given, but inputs.pixels names no input to normalise.";
            }

            if (normalisation.Mean.Count != 3 || normalisation.Std.Count != 3)
            {
                yield return $"inputs.pixelNormalisation: mean and std are three values each (R, G, B); got {normalisation.Mean.Count} and {normalisation.Std.Count}.";
            }
            else if (normalisation.Std.Any(v => !(v > 0) || !float.IsFinite(v)) || normalisation.Mean.Any(v => !float.IsFinite(v)))
            {
                yield return "inputs.pixelNormalisation: each std is a number above 0 and each mean a finite number.";
            }
        }

        if (m.Classes.Count == 0)
        {
            yield return "classes: empty.";
        }

        foreach (var c in m.Classes.Where(c => !ColourPattern().IsMatch(c.Colour)))
        {
            yield return $"classes: '{c.Name}': colour '{c.Colour}' is not #rrggbb.";
        }

        if (!m.Files.ContainsKey(m.File))
        {
            yield return $"file: '{m.File}' is not listed in files.";
        }

        if (m.PostProcessing is { ForegroundThreshold: <= 0 or >= 1 } or { MarkerDistance: <= 0 or >= 1 } or { MinimumArea: < 1 })
        {
            yield return "postProcessing: foregroundThreshold and markerDistance lie between 0 and 1, minimumArea is at least 1.";
        }

        if (m.PostProcessing.ClassSplitArea < 0)
        {
            yield return $"postProcessing.classSplitArea: {m.PostProcessing.ClassSplitArea} is negative; it is a number of pixels, or 0 never to split a nucleus by its classes.";
        }
    }

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] + "…" : sha;

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex ColourPattern();
}

/// <summary>A cell head package was refused.</summary>
public sealed class CellHeadException(string directory, IReadOnlyList<string> problems)
    : Exception($"Cell head {directory} refused:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    /// <summary>Each problem, naming the manifest key.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Source-generated, strict JSON for head manifests.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(CellHeadManifest))]
internal sealed partial class CellHeadJsonContext : JsonSerializerContext;
