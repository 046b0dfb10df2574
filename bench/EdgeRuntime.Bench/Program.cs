// Pipeline throughput against the bare image encoder, on the same tiles, batch size and threads.
//
//   dotnet run -c Release --project bench/EdgeRuntime.Bench -- <model-dir> <slide> [batch] [threads] [repeats]
//
// "Bare" runs the encoder (preprocessing included) over tiles already decoded in memory: the ceiling.
// "Pipeline" is what the service does: read and resize tiles from the slide in parallel readers, batch,
// encode, tag. The ratio says how much of the encoder's speed the pipeline keeps.
using System.Diagnostics;
using System.Globalization;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Pipeline.Encoding;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Tiling;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using Microsoft.Extensions.Logging.Abstractions;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: EdgeRuntime.Bench <model-dir> <slide> [batch=32] [threads=cores] [repeats=3]");
    return 2;
}

var batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 32;
var threads = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
var repeats = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3;

using var package = ModelPackage.Load(args[0], new InferenceOptions { ExecutionProviders = ["CPU"], IntraOpThreads = threads }, NullLogger.Instance);
using var encoder = new OnnxImageEncoder(package, batch);
using var slide = new SlideOpener(new SlideReadingOptions()).Open(args[1]);
var tiling = new TilingOptions { TargetMicronsPerPixel = package.Manifest.Tiling.TargetMicronsPerPixel, TileSize = package.Manifest.Tiling.TileSize };
var grid = new SlideTiler(new TissueDetectionOptions(), tiling).Plan(slide).Grid;
var tiles = grid.Tiles.ToArray();
var tileBytes = grid.TileSize * grid.TileSize * 3;
Console.WriteLine($"model {package.Identity.Id}, slide {Path.GetFileName(args[1])}, {tiles.Length} tiles of {grid.TileSize} px, batch {batch}, {threads} intra-op threads, {repeats} repeats");

// Tiles decoded once, for the bare encoder.
var pixels = new byte[tiles.Length * tileBytes];
var reader = new TileReader(slide, grid);
for (var i = 0; i < tiles.Length; i++)
{
    reader.Read(tiles[i], pixels.AsSpan(i * tileBytes, tileBytes));
}

await BareAsync(); // warm-up: first runs pay for memory planning and caches
var bare = new List<double>();
var piped = new List<double>();
for (var r = 0; r < repeats; r++)
{
    bare.Add(await BareAsync());
    piped.Add(await PipelineAsync());
}

double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
var bareRate = Median(bare);
var pipeRate = Median(piped);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bare encoder: {bareRate:0.0} tiles/s (runs: {string.Join(", ", bare.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)))})"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pipeline:     {pipeRate:0.0} tiles/s (runs: {string.Join(", ", piped.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)))})"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio pipeline / bare: {pipeRate / bareRate:0.00}"));
return 0;

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

async Task<double> PipelineAsync()
{
    var clock = Stopwatch.StartNew();
    double sink = 0;
    await new SlideEncodingPipeline(new EncodingOptions { BatchSize = batch, Readers = 2 }).RunAsync("bench", slide, grid, encoder, (b, _) =>
    {
        sink += b.VectorOf(0)[0];
        return ValueTask.CompletedTask;
    }, null, CancellationToken.None);
    GC.KeepAlive(sink);
    return tiles.Length / clock.Elapsed.TotalSeconds;
}
