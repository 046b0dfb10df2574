// Speed-ups measured, not assumed: the image encoder as shipped against ONNX Runtime's saved optimised graph and
// against int8 copies made by tools/quantize-model.py, on the same preprocessed tiles of a real slide, with the
// same batch and threads, in one run with interleaved repeats. For each variant: session start-up, tiles/s, and
// the cosine of its embedding to the float model's, tile by tile (a variant is adopted only if it is faster and
// its lowest cosine is at least 0.99).
//
//   dotnet run -c Release --project bench/EdgeRuntime.Bench.Speedups -- <model-dir> <slide> [batch=32] [threads=cores] [repeats=3] [json-out|-] [int8-package-dir...]
//     [--tiles N] (default 192; full-size ViT-L/H/g families are measured on a few)
//     [--no-optimised] (skip the saved optimised graph: for graphs with external data it would write a second copy)
//
// A family whose embedding is composed from the encoder's final tokens (class token, patch mean, both) is measured
// through the runtime's own composition (TokenComposition), so float and int8 are compared on the embedding the
// service would publish. Besides tiles/s, each variant's start-up (session creation) and the process's working set
// with its session open are reported, and the float package's whole load as the service does it (hashes, checks,
// sessions).
//
// Each int8 package is also loaded through ModelPackage.Load, as the service would load it (manifest, hashes,
// ONNX signature), so a variant that the product would refuse is reported as such.
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.Preprocessing;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Tiling;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

if (args.Length < 2 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: EdgeRuntime.Bench.Speedups <model-dir> <slide> [batch=32] [threads=cores] [repeats=3] [json-out|-] [int8-package-dir...]");
    return args.Length < 2 ? 2 : 0;
}

var inv = CultureInfo.InvariantCulture;
var maxTiles = 192; // enough batches for a stable rate; the cosine is taken over every one of them
var withOptimised = true;
var flags = args.ToList();
if (flags.IndexOf("--tiles") is var t and >= 0)
{
    maxTiles = int.Parse(flags[t + 1], inv);
    flags.RemoveRange(t, 2);
}

withOptimised = !flags.Remove("--no-optimised");
args = [.. flags];
var batch = args.Length > 2 ? int.Parse(args[2], inv) : 32;
var threads = args.Length > 3 && int.Parse(args[3], inv) > 0 ? int.Parse(args[3], inv) : Environment.ProcessorCount; // 0: one per core, as the service
var repeats = args.Length > 4 ? int.Parse(args[4], inv) : 3;
var jsonOut = args.Length > 5 && args[5] != "-" ? args[5] : null;
var int8Packages = args.Skip(6).ToList();

var inference = new InferenceOptions { ExecutionProviders = ["CPU"], IntraOpThreads = threads };
ModelManifest manifest;
string modelPath;
var loadClock = Stopwatch.StartNew();
double loadSeconds;
using (var package = ModelPackage.Load(args[0], inference, NullLogger.Instance))
{
    manifest = package.Manifest;
    modelPath = Path.Combine(package.Directory, manifest.ImageEncoder.File);
    loadSeconds = loadClock.Elapsed.TotalSeconds;
}

var packageMegabytes = Directory.EnumerateFiles(args[0], "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1e6;
var encoderSpec = manifest.ImageEncoder;
var tokenLayout = encoderSpec.EmbeddingOutput is null ? encoderSpec.Tokens : null;

// The slide's tissue tiles, decoded and preprocessed once: every variant gets exactly the same tensors.
var preprocessor = new ClipImagePreprocessor(manifest.Preprocessing);
float[] pixels;
int count;
using (var slide = new SlideOpener(new SlideReadingOptions()).Open(args[1]))
{
    var tiling = new TilingOptions { TargetMicronsPerPixel = manifest.Tiling.TargetMicronsPerPixel, TileSize = manifest.Tiling.TileSize };
    var grid = new SlideTiler(new TissueDetectionOptions(), tiling).Plan(slide).Grid;
    var tiles = grid.Tiles.Take(maxTiles).ToArray();
    count = tiles.Length;
    var rgb = new byte[grid.TileSize * grid.TileSize * 3];
    var reader = new TileReader(slide, grid);
    pixels = new float[count * preprocessor.ValuesPerImage];
    for (var i = 0; i < count; i++)
    {
        reader.Read(tiles[i], rgb);
        preprocessor.Process(rgb, grid.TileSize, grid.TileSize, pixels.AsSpan(i * preprocessor.ValuesPerImage, preprocessor.ValuesPerImage));
    }
}

var ort = typeof(InferenceSession).Assembly.GetName().Version!.ToString();
Console.WriteLine($"model {manifest.Id} {manifest.Version}, slide {Path.GetFileName(args[1])}, {count} tiles, batch {batch}, {threads} intra-op threads, {repeats} repeats, ONNX Runtime {ort} (CPU)");

var scratch = Directory.CreateTempSubdirectory("edgert-speedups-");
try
{
    var optimisedPath = Path.Combine(scratch.FullName, "image_encoder.optimised.onnx");
    var variants = new List<Variant> { new("float32 (as shipped)", modelPath, GraphOptimizationLevel.ORT_ENABLE_ALL, null) };
    if (withOptimised)
    {
        variants.Add(new("saved optimised graph", optimisedPath, GraphOptimizationLevel.ORT_DISABLE_ALL, null));
    }

    foreach (var dir in int8Packages)
    {
        // Loaded as the service loads a package: a variant the product refuses is not measured.
        using var quantised = ModelPackage.Load(dir, inference, NullLogger.Instance);
        variants.Add(new($"int8 {quantised.Manifest.Version} ({Path.GetFileName(Path.TrimEndingDirectorySeparator(dir))})", Path.Combine(quantised.Directory, quantised.Manifest.ImageEncoder.File), GraphOptimizationLevel.ORT_ENABLE_ALL, quantised.Manifest.Name));
    }

    // ONNX Runtime writes the optimised graph while it creates a session with OptimizedModelFilePath set; timed too,
    // since a box that saved it on first load pays this once.
    var saveClock = Stopwatch.StartNew();
    if (withOptimised)
    {
        using var saving = Options(GraphOptimizationLevel.ORT_ENABLE_ALL);
        saving.OptimizedModelFilePath = optimisedPath;
        using var _ = new InferenceSession(modelPath, saving);
    }

    double? saveSeconds = withOptimised ? saveClock.Elapsed.TotalSeconds : null;

    // Interleaved repeats; each variant runs with only its own session open, since ONNX Runtime's idle intra-op
    // threads spin for a while after a run and would slow whichever session ran next. Per repeat and variant: the
    // session's creation (start-up), one warm-up batch, then every tile, timed.
    for (var r = 0; r < repeats; r++)
    {
        foreach (var v in variants)
        {
            var clock = Stopwatch.StartNew();
            using var options = Options(v.Level);
            using var session = new InferenceSession(v.Path, options);
            v.StartSeconds.Add(clock.Elapsed.TotalSeconds);
            Encode(session, Math.Min(batch, count));
            using var self = Process.GetCurrentProcess();
            var cpu = self.TotalProcessorTime;
            clock.Restart();
            var embeddings = Encode(session, count);
            v.TilesPerSecond.Add(count / clock.Elapsed.TotalSeconds);
            self.Refresh();
            v.CpuSecondsPerTile.Add((self.TotalProcessorTime - cpu).TotalSeconds / count);
            v.WorkingSetMegabytes.Add(self.WorkingSet64 / 1e6);
            v.Embeddings ??= embeddings;
        }
    }

    var reference = variants[0];
    var dimension = manifest.EmbeddingSize;
    var rows = variants.Select(v =>
    {
        var cosines = Enumerable.Range(0, count).Select(t => (double)TensorPrimitives.CosineSimilarity(
            reference.Embeddings!.AsSpan(t * dimension, dimension), v.Embeddings!.AsSpan(t * dimension, dimension))).ToList();
        return new
        {
            variant = v.Name,
            file = Path.GetFileName(v.Path),
            megabytes = GraphMegabytes(v.Path),
            optimisation = v.Level.ToString(),
            startSeconds = Median(v.StartSeconds),
            tilesPerSecond = Median(v.TilesPerSecond),
            runs = v.TilesPerSecond,
            speedOverFloat = Median(v.TilesPerSecond) / Median(reference.TilesPerSecond),
            startOverFloat = Median(v.StartSeconds) / Median(reference.StartSeconds),
            workingSetMegabytes = v.WorkingSetMegabytes.Max(),
            cpuSecondsPerTile = Median(v.CpuSecondsPerTile),
            cosineMin = cosines.Min(),
            cosineMean = cosines.Average(),
            description = v.Description,
        };
    }).ToList();

    using var process = Process.GetCurrentProcess();
    var peakMegabytes = process.PeakWorkingSet64 / 1e6;
    if (saveSeconds is { } seconds)
    {
        Console.WriteLine(string.Create(inv, $"saving the optimised graph (one session created with OptimizedModelFilePath): {seconds:0.00} s"));
    }

    Console.WriteLine(string.Create(inv, $"package {packageMegabytes:0.0} MB, loaded as the service loads it (hashes, checks, sessions) in {loadSeconds:0.00} s; embedding {(tokenLayout is null ? "output " + encoderSpec.EmbeddingOutput : "composed: " + encoderSpec.Embedding!.Compose)}; peak working set {peakMegabytes:0} MB"));
    Console.WriteLine($"{"variant",-44} {"MB",7} {"start s",8} {"tiles/s",8} {"× float",8} {"cos min",8} {"cos mean",9} {"WS MB",7} {"core-s/tile",11}");
    foreach (var row in rows)
    {
        Console.WriteLine(string.Create(inv, $"{row.variant,-44} {row.megabytes,7:0.0} {row.startSeconds,8:0.00} {row.tilesPerSecond,8:0.0} {row.speedOverFloat,8:0.00} {row.cosineMin,8:0.0000} {row.cosineMean,9:0.0000} {row.workingSetMegabytes,7:0} {row.cpuSecondsPerTile,11:0.000}"));
    }

    if (jsonOut is not null)
    {
        var document = new
        {
            model = manifest.Id,
            version = manifest.Version,
            slide = Path.GetFileName(args[1]),
            tiles = count,
            batch,
            intraOpThreads = threads,
            repeats,
            onnxRuntime = ort,
            saveOptimisedSeconds = saveSeconds,
            packageMegabytes,
            packageLoadSeconds = loadSeconds,
            embedding = tokenLayout is null ? "output" : encoderSpec.Embedding!.Compose,
            peakWorkingSetMegabytes = peakMegabytes,
            variants = rows,
        };
        File.WriteAllText(jsonOut, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
    }
}
finally
{
    scratch.Delete(recursive: true);
}

return 0;

// As the product's SessionFactory sets them on CPU, so the figures are the service's.
SessionOptions Options(GraphOptimizationLevel level) => new()
{
    GraphOptimizationLevel = level,
    IntraOpNumThreads = threads,
    InterOpNumThreads = 1,
    ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
};

// The embedding the service publishes: the named output, or the final tokens composed by the runtime's own code.
float[] Encode(InferenceSession session, int tiles)
{
    var size = preprocessor.InputSize;
    var values = preprocessor.ValuesPerImage;
    var dimension = manifest.EmbeddingSize;
    var output = new float[tiles * dimension];
    var tokenValues = tokenLayout is null ? 0 : tokenLayout.Count * tokenLayout.Width;
    var tokens = new float[Math.Min(batch, tiles) * tokenValues];
    for (var first = 0; first < tiles; first += batch)
    {
        var n = Math.Min(batch, tiles - first);
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, pixels.AsMemory(first * values, n * values), [n, 3, size, size]);
        using var run = new RunOptions();
        if (tokenLayout is null)
        {
            using var result = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(first * dimension, n * dimension), [n, dimension]);
            session.Run(run, [encoderSpec.Input], [input], [encoderSpec.EmbeddingOutput!], [result]);
            continue;
        }

        using (var result = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, tokens.AsMemory(0, n * tokenValues), [n, tokenLayout.Count, tokenLayout.Width]))
        {
            session.Run(run, [encoderSpec.Input], [input], [tokenLayout.Output], [result]);
        }

        TokenComposition.Compose(encoderSpec.Embedding!.Compose!, tokenLayout, tokens.AsSpan(0, n * tokenValues), n, output.AsSpan(first * dimension, n * dimension));
    }

    return output;
}

// A graph with external data is the graph and its weights file.
static double GraphMegabytes(string path) =>
    (new FileInfo(path).Length + (File.Exists(path + ".data") ? new FileInfo(path + ".data").Length : 0)) / 1e6;

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

internal sealed record Variant(string Name, string Path, GraphOptimizationLevel Level, string? Description)
{
    public List<double> StartSeconds { get; } = [];

    public List<double> TilesPerSecond { get; } = [];

    public List<double> WorkingSetMegabytes { get; } = [];

    // Core-seconds per tile: on a loaded machine the rate falls with the share of the cores the process gets, while
    // the CPU it spends per tile stays near what it costs (an upper bound: idle intra-op threads spin).
    public List<double> CpuSecondsPerTile { get; } = [];

    public float[]? Embeddings { get; set; }
}
