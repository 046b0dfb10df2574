// The retrieval index's HNSW graph (USearch) against its exact SIMD scan, on the same index and queries, in one run:
// recall@10 of the graph against the scan, queries per second of each, the graph's build time, and the index's size
// on disk per 10k tiles. Vectors are random unit vectors (the hard case for a graph: no clusters to follow) unless a
// model's folder of real tile files is given (retrieval-index/{model}/{version} under a task state folder); then the
// queries are stored tiles themselves, each with its own top 10 by the exact scan as the truth.
//
//   dotnet run -c Release --project bench/EdgeRuntime.Bench.Retrieval -- [tiles=100000] [dimension=64] [queries=200]
//       [expansion-search=default] [connectivity=default] [expansion-add=default] [real-index-folder]
using System.Diagnostics;
using System.Globalization;
using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Tasks.RetrievalIndex;

var inv = CultureInfo.InvariantCulture;
var tiles = args.Length > 0 ? int.Parse(args[0], inv) : 100_000;
var dimension = args.Length > 1 ? int.Parse(args[1], inv) : 64;
var queries = args.Length > 2 ? int.Parse(args[2], inv) : 200;
var defaults = new RetrievalSettings();
var expansionSearch = args.Length > 3 ? int.Parse(args[3], inv) : defaults.ExpansionSearch;
var connectivity = args.Length > 4 ? int.Parse(args[4], inv) : defaults.Connectivity;
var expansionAdd = args.Length > 5 ? int.Parse(args[5], inv) : defaults.ExpansionAdd;
var real = args.Length > 6 ? Path.GetFullPath(args[6]) : null;
const int PerSlide = 1000;

var folder = Path.Combine(Path.GetTempPath(), "edgert-bench-retrieval-" + Environment.ProcessId);
if (real is not null)
{
    // A copy: the index clears leftover .part files of the folder it opens, and the bench must not touch a real one.
    Directory.CreateDirectory(folder);
    foreach (var file in Directory.GetFiles(real, "*.tiles"))
    {
        File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
    }
}

var random = new Random(42);
float[] Unit()
{
    var v = new float[dimension];
    for (var i = 0; i < dimension; i++)
    {
        // Box-Muller: Gaussian components make the directions uniform on the sphere.
        v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
    }

    return ModelTileIndex.Normalised(v);
}

try
{
    var model = new ModelIdentity("bench", "1", string.Empty);
    var index = new ModelTileIndex(model, folder, new RetrievalSettings { ApproximateAbove = 1, ExpansionSearch = expansionSearch, Connectivity = connectivity, ExpansionAdd = expansionAdd });
    for (var s = 0; real is null && s * PerSlide < tiles; s++)
    {
        var id = s.ToString("x16", inv);
        using var writer = new TileVectorFile.Writer(index.PathOf(id), dimension, $"{id}.tiff");
        for (var t = 0; t < Math.Min(PerSlide, tiles - (s * PerSlide)); t++)
        {
            writer.Add(new TileRef(t, t, 0, new TileBox(t * 224L, 0, 224, 224), 1), Unit());
        }

        writer.Commit();
        index.Replace(id);
    }

    List<float[]> probes;
    if (real is null)
    {
        probes = Enumerable.Range(0, queries).Select(_ => Unit()).ToList();
    }
    else
    {
        dimension = index.Dimension;
        var stored = TileVectorFile.Read(Directory.GetFiles(folder, "*.tiles").Order(StringComparer.Ordinal).First(), "probe");
        probes = Enumerable.Range(0, Math.Min(queries, stored.Count)).Select(i => stored.VectorOf(i * stored.Count / Math.Min(queries, stored.Count)).ToArray()).ToList();
        queries = probes.Count;
    }

    var clock = Stopwatch.StartNew();
    index.Search(probes[0], 10, exact: false); // builds the graph
    var buildSeconds = clock.Elapsed.TotalSeconds;

    // Interleaved, so that both see the same machine state.
    double exactSeconds = 0, graphSeconds = 0, found = 0;
    foreach (var q in probes)
    {
        clock.Restart();
        var truth = index.Search(q, 10, exact: true).Hits.Select(h => (h.SlideId, h.TileIndex)).ToHashSet();
        exactSeconds += clock.Elapsed.TotalSeconds;
        clock.Restart();
        var approximate = index.Search(q, 10, exact: false).Hits;
        graphSeconds += clock.Elapsed.TotalSeconds;
        found += approximate.Count(h => truth.Contains((h.SlideId, h.TileIndex)));
    }

    Console.WriteLine(string.Create(inv, $"{(real is null ? "random unit vectors" : "real tile embeddings from " + real)}: tiles {index.Tiles}, dimension {dimension}, queries {queries}, connectivity {connectivity}, expansion_add {expansionAdd}, expansion_search {expansionSearch}, machine {Environment.MachineName} ({Environment.ProcessorCount} cores)"));
    Console.WriteLine(string.Create(inv, $"recall@10 of HNSW against exact: {found / (queries * 10.0):0.000}"));
    Console.WriteLine(string.Create(inv, $"queries/s: exact {queries / exactSeconds:0.0}, HNSW {queries / graphSeconds:0.0} (x{exactSeconds / graphSeconds:0.0}); graph built in {buildSeconds:0.0} s"));
    Console.WriteLine(string.Create(inv, $"size on disk: {index.BytesOnDisk * 10_000 / index.Tiles} bytes per 10k tiles"));
    index.Dispose();
    return 0;
}
finally
{
    Directory.Delete(folder, recursive: true);
}
