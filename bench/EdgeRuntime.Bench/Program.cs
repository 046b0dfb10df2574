// The pipeline against its two ceilings, on the same tiles, batch size and threads, measured in one run with
// interleaved repeats (bare, pipeline, raw, bare, pipeline, raw, ...), so that drift hits all three alike.
//
//   dotnet run -c Release --project bench/EdgeRuntime.Bench -- <model-dir> <slide> [batch] [threads] [repeats] [readers] [json-out] [modes]
//
// modes: a comma-separated subset of bare,pipeline,raw (default all three).
//
// "bare":     the image encoder (preprocessing included) over tiles already decoded in memory: the compute ceiling.
// "raw":      OpenSlide read_region + decode (+ resize where the level needs it) of the same tiles by `readers`
//             threads, each with its own reader, and nothing else: the I/O ceiling.
// "pipeline": what the service does: readers, bounded channels, batches, the encoder.
// Compute-bound (a big model) the pipeline is held to bare; I/O-bound (the tiny model) to raw.
//
// Environment (bench/reading.sh): EDGERT_BENCH_READER and EDGERT_BENCH_RAW_READER set Slides:Reader for the
// pipeline and bare tiles, and for "raw" (default: the product's default for both); EDGERT_BENCH_TILES_OUT
// writes the tiles' read regions as JSON, for openslide-python to read the same tiles; EDGERT_BENCH_COLD=1 reads
// each raw pass from a freshly opened slide.
//
// Raw passes also give CPU seconds per tile: the reader threads' own CPU time (clock_gettime's thread clock, summed
// over the readers) and the whole process's over the pass (GC and JIT threads included). On a shared box tiles/s
// swings with the share of the cores the bench gets; the CPU a tile costs does not, so per-core comparisons
// (bench/reading.sh) are made on CPU seconds per tile.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Tiling;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using Microsoft.Extensions.Logging.Abstractions;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: EdgeRuntime.Bench <model-dir> <slide> [batch=32] [threads=cores] [repeats=3] [readers=2] [json-out]");
    return 2;
}

var inv = CultureInfo.InvariantCulture;
var batch = args.Length > 2 ? int.Parse(args[2], inv) : 32;
var threads = args.Length > 3 ? int.Parse(args[3], inv) : Environment.ProcessorCount;
var repeats = args.Length > 4 ? int.Parse(args[4], inv) : 3;
var readers = args.Length > 5 ? int.Parse(args[5], inv) : 2;
var jsonOut = args.Length > 6 && args[6] != "-" ? args[6] : null;
var modes = (args.Length > 7 ? args[7] : "bare,pipeline,raw").Split(',');

// EDGERT_BENCH_PROVIDERS (bench/gpu-check): the execution providers, in order, e.g. "TensorRT,CUDA,CPU".
var providers = Environment.GetEnvironmentVariable("EDGERT_BENCH_PROVIDERS") is { Length: > 0 } list ? list.Split(',') : ["CPU"];
using var package = ModelPackage.Load(args[0], new InferenceOptions { ExecutionProviders = providers, IntraOpThreads = threads }, NullLogger.Instance);
using var encoder = new OnnxImageEncoder(package, batch);
using var slide = new SlideOpener(ReadingOptions(Environment.GetEnvironmentVariable("EDGERT_BENCH_READER") ?? SlideReadingOptions.AutoReader)).Open(args[1]);
var rawReader = Environment.GetEnvironmentVariable("EDGERT_BENCH_RAW_READER") is { Length: > 0 } chosen ? chosen : null;
using var rawSlide = rawReader is null ? null : new SlideOpener(ReadingOptions(rawReader)).Open(args[1]);

// Cold: each raw pass opens the slide afresh (outside the clock), so that no reader's tile cache carries decoded
// tiles over from the previous pass: a pass then measures decoding, as a slide read once by the service does.
var cold = Environment.GetEnvironmentVariable("EDGERT_BENCH_COLD") == "1";
var tiling = new TilingOptions { TargetMicronsPerPixel = package.Manifest.Tiling.TargetMicronsPerPixel, TileSize = package.Manifest.Tiling.TileSize };
var grid = new SlideTiler(new TissueDetectionOptions(), tiling).Plan(slide).Grid;
var tiles = grid.Tiles.ToArray();
var tileBytes = grid.TileSize * grid.TileSize * 3;
var ort = typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version!.ToString();
var built = string.Join(",", ProviderProbe.Built);
Console.WriteLine($"model {package.Identity.Id}, slide {Path.GetFileName(args[1])} read by {slide.Info.Reader} (raw: {(rawSlide ?? slide).Info.Reader}), {tiles.Length} tiles of {grid.TileSize} px, batch {batch}, {threads} intra-op threads, {readers} readers, {repeats} repeats, ONNX Runtime {ort} ({built})");
if (Environment.GetEnvironmentVariable("EDGERT_BENCH_TILES_OUT") is { Length: > 0 } tilesOut)
{
    var at = new TileReader(slide, grid);
    var side = (int)Math.Round(Math.Round(grid.TileWidthLevel0) / at.LevelDownsample);
    File.WriteAllText(tilesOut, JsonSerializer.Serialize(new { level = at.Level, size = side, tileSize = grid.TileSize, tiles = tiles.Select(t => new[] { t.Box.X, t.Box.Y }) }));
}

// Tiles decoded once, for the bare encoder.
var pixels = new byte[tiles.Length * tileBytes];
var reader = new TileReader(slide, grid);
for (var i = 0; i < tiles.Length; i++)
{
    reader.Read(tiles[i], pixels.AsSpan(i * tileBytes, tileBytes));
}

await BareAsync(); // warm-up: first runs pay for memory planning and caches

// Raw passes warm up for at least a second: tiered compilation recompiles hot methods on a background thread after
// their first calls, and that CPU would otherwise land in the first measured passes of a short slide.
var warming = Stopwatch.StartNew();
do
{
    Raw();
}
while (warming.Elapsed < TimeSpan.FromSeconds(1));
var bare = new List<double>();
var piped = new List<double>();
var raw = new List<double>();
var rawThreadCpu = new List<double>();
var rawProcessCpu = new List<double>();
for (var r = 0; r < repeats; r++)
{
    if (modes.Contains("bare"))
    {
        bare.Add(await BareAsync());
    }

    if (modes.Contains("pipeline"))
    {
        piped.Add(await PipelineAsync());
    }

    if (modes.Contains("raw"))
    {
        var pass = Raw();
        raw.Add(pass.TilesPerSecond);
        rawThreadCpu.Add(pass.ThreadCpuPerTile);
        rawProcessCpu.Add(pass.ProcessCpuPerTile);
    }
}

// EDGERT_BENCH_TILE_CACHE_MB: the direct reader's decoded-tile cache (Slides:DecodedTileCacheMegabytes), for a
// slide whose tissue would otherwise fit it whole, as no full-size slide's does.
static SlideReadingOptions ReadingOptions(string reader) => new()
{
    Reader = reader,
    DecodedTileCacheMegabytes = int.TryParse(Environment.GetEnvironmentVariable("EDGERT_BENCH_TILE_CACHE_MB"), out var mb) ? mb : new SlideReadingOptions().DecodedTileCacheMegabytes,
};

static double Median(List<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);
string Runs(List<double> values) => string.Join(", ", values.Select(v => v.ToString("0.0", inv)));
var (bareRate, pipeRate, rawRate) = (Median(bare), Median(piped), Median(raw));
Console.WriteLine(string.Create(inv, $"bare encoder: {bareRate:0.0} tiles/s (runs: {Runs(bare)})"));
Console.WriteLine(string.Create(inv, $"raw reads:    {rawRate:0.0} tiles/s (runs: {Runs(raw)}); CPU per tile: reader threads {Median(rawThreadCpu) * 1e3:0.000} ms, process {Median(rawProcessCpu) * 1e3:0.000} ms"));
Console.WriteLine(string.Create(inv, $"pipeline:     {pipeRate:0.0} tiles/s (runs: {Runs(piped)})"));
Console.WriteLine(string.Create(inv, $"ratio pipeline / bare: {pipeRate / bareRate:0.00}; pipeline / raw reads: {pipeRate / rawRate:0.00}; the lower ceiling: {Math.Min(bareRate, rawRate):0.0} tiles/s"));
if (jsonOut is not null)
{
    var document = new
    {
        model = package.Identity.Id,
        provider = package.ExecutionProvider,
        reader = (rawSlide ?? slide).Info.Reader,
        slide = Path.GetFileName(args[1]),
        tiles = tiles.Length,
        tileSize = grid.TileSize,
        batch,
        intraOpThreads = threads,
        readers,
        repeats,
        onnxRuntime = ort,
        providersBuilt = built,
        tilesPerSecond = new { bare = Finite(bareRate), raw = Finite(rawRate), pipeline = Finite(pipeRate) },
        runs = new { bare, raw, pipeline = piped },
        rawCpuSecondsPerTile = new { thread = Finite(Median(rawThreadCpu)), process = Finite(Median(rawProcessCpu)), threadRuns = rawThreadCpu, processRuns = rawProcessCpu },
        ratios = new { pipelineOverBare = Finite(pipeRate / bareRate), pipelineOverRaw = Finite(pipeRate / rawRate) },
    };
    File.WriteAllText(jsonOut, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
}

return 0;

static double? Finite(double value) => double.IsFinite(value) ? value : null;

async Task<double> BareAsync()
{
    var clock = Stopwatch.StartNew();
    for (var first = 0; first < tiles.Length; first += batch)
    {
        var count = Math.Min(batch, tiles.Length - first);
        var tileBatch = new TileBatch("bench", new ArraySegment<TileRef>(tiles, first, count), grid.TileSize, pixels.AsMemory(first * tileBytes, count * tileBytes));
        await encoder.EncodeAsync(tileBatch, CancellationToken.None);
    }

    return tiles.Length / clock.Elapsed.TotalSeconds;
}

RawPass Raw()
{
    using var fresh = cold ? new SlideOpener(ReadingOptions(rawReader ?? Environment.GetEnvironmentVariable("EDGERT_BENCH_READER") ?? SlideReadingOptions.AutoReader)).Open(args[1]) : null;
    var source = fresh ?? rawSlide ?? slide;
    var threadCpu = new double[readers];
    var processStart = CpuClock.Process();
    var clock = Stopwatch.StartNew();
    var next = -1;
    var workers = Enumerable.Range(0, readers).Select(w => Task.Factory.StartNew(() =>
    {
        var start = CpuClock.Thread();
        var own = new TileReader(source, grid);
        var buffer = new byte[tileBytes];
        for (var i = Interlocked.Increment(ref next); i < tiles.Length; i = Interlocked.Increment(ref next))
        {
            own.Read(tiles[i], buffer);
        }

        threadCpu[w] = CpuClock.Thread() - start;
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
    Task.WaitAll(workers);
    var wall = clock.Elapsed.TotalSeconds;
    var process = CpuClock.Process() - processStart;
    return new RawPass(tiles.Length / wall, threadCpu.Sum() / tiles.Length, process / tiles.Length);
}

async Task<double> PipelineAsync()
{
    var clock = Stopwatch.StartNew();
    double sink = 0;
    await new TiledEncoding(new EncodingOptions { BatchSize = batch, Readers = readers }).RunAsync("bench", slide, grid, encoder, (b, _) =>
    {
        sink += b.VectorOf(0)[0];
        return ValueTask.CompletedTask;
    }, null, CancellationToken.None);
    GC.KeepAlive(sink);
    return tiles.Length / clock.Elapsed.TotalSeconds;
}

// One raw pass: wall-clock tiles/s, and CPU seconds per tile of the reader threads and of the whole process.
internal readonly record struct RawPass(double TilesPerSecond, double ThreadCpuPerTile, double ProcessCpuPerTile);
