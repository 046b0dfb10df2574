using System.Numerics.Tensors;
using Cloud.Unum.USearch;
using EdgeRuntime.Abstractions.Models;

namespace EdgeRuntime.Tasks.RetrievalIndex;

/// <summary>A hit: a tile of an indexed slide and its cosine similarity to the query.</summary>
internal readonly record struct TileHit(string SlideId, int TileIndex, Abstractions.Tiles.TileBox Box, float Score);

/// <summary>
/// The tiles one model (id and version) embedded, searchable by cosine similarity; embeddings of different models
/// live in different instances and are never compared. Files in <c>{folder}/{slide}.tiles</c> are the truth; memory
/// holds their contents. Exact search scans every vector with SIMD dot products (the reference); above
/// <see cref="RetrievalSettings.ApproximateAbove"/> tiles an HNSW graph (USearch) answers instead, built once and
/// kept in step as slides are added and removed.
/// </summary>
internal sealed class ModelTileIndex : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, SlideTiles> slides = new(StringComparer.Ordinal);
    private readonly RetrievalSettings settings;
    private readonly Dictionary<ulong, (SlideTiles Slide, int Row)> byKey = [];
    private readonly Dictionary<string, ulong[]> keysOf = new(StringComparer.Ordinal);
    private USearchIndex? graph;
    private ulong nextKey;

    public ModelTileIndex(ModelIdentity model, string folder, RetrievalSettings settings)
    {
        Model = model;
        Folder = folder;
        this.settings = settings;
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var part in Directory.GetFiles(folder, "*" + TileVectorFile.PartExtension))
        {
            File.Delete(part); // a write a crash interrupted: its slide is processed again, and written whole
        }

        foreach (var file in Directory.GetFiles(folder, "*" + TileVectorFile.Extension))
        {
            var id = Path.GetFileNameWithoutExtension(file);
            slides[id] = TileVectorFile.Read(file, id);
        }
    }

    public ModelIdentity Model { get; }

    public string Folder { get; }

    public int Dimension => slides.Values.FirstOrDefault()?.Dimension ?? 0;

    public int Slides
    {
        get
        {
            lock (gate)
            {
                return slides.Count;
            }
        }
    }

    public long Tiles
    {
        get
        {
            lock (gate)
            {
                return slides.Values.Sum(s => (long)s.Count);
            }
        }
    }

    public long BytesOnDisk => Directory.Exists(Folder) ? Directory.GetFiles(Folder, "*" + TileVectorFile.Extension).Sum(f => new FileInfo(f).Length) : 0;

    public bool Contains(string slideId)
    {
        lock (gate)
        {
            return slides.ContainsKey(slideId);
        }
    }

    public string PathOf(string slideId) => Path.Combine(Folder, slideId + TileVectorFile.Extension);

    /// <summary>Takes a slide's freshly committed file in, replacing what the slide had.</summary>
    public void Replace(string slideId)
    {
        var tiles = TileVectorFile.Read(PathOf(slideId), slideId);
        lock (gate)
        {
            RemoveFromGraph(slideId);
            slides[slideId] = tiles;
            AddToGraph(tiles);
        }
    }

    /// <summary>Removes a slide's tiles, file first (so a crash after it cannot bring them back).</summary>
    public bool Remove(string slideId)
    {
        lock (gate)
        {
            File.Delete(PathOf(slideId));
            RemoveFromGraph(slideId);
            return slides.Remove(slideId);
        }
    }

    /// <summary>The unit mean of the slide's tiles that overlap the level-0 box, or null when none do.</summary>
    public float[]? RegionVector(string slideId, Abstractions.Tiles.TileBox box)
    {
        lock (gate)
        {
            if (!slides.TryGetValue(slideId, out var tiles))
            {
                return null;
            }

            var sum = new float[tiles.Dimension];
            var found = 0;
            for (var i = 0; i < tiles.Count; i++)
            {
                var b = tiles.Boxes[i];
                if (b.X < box.X + box.Width && box.X < b.X + b.Width && b.Y < box.Y + box.Height && box.Y < b.Y + b.Height)
                {
                    TensorPrimitives.Add(sum, tiles.VectorOf(i), sum);
                    found++;
                }
            }

            return found == 0 ? null : Normalised(sum);
        }
    }

    /// <summary>The <paramref name="top"/> tiles most similar to <paramref name="unitQuery"/>.</summary>
    /// <param name="unitQuery">A unit vector of this model's width.</param>
    /// <param name="top">How many hits.</param>
    /// <param name="exact">Scan every vector even above the approximate threshold (the reference).</param>
    public (IReadOnlyList<TileHit> Hits, string Method) Search(float[] unitQuery, int top, bool exact)
    {
        lock (gate)
        {
            var total = slides.Values.Sum(s => (long)s.Count);
            if (!exact && total >= settings.ApproximateAbove)
            {
                EnsureGraph();
                return (GraphSearch(unitQuery, top), "approximate: HNSW graph (USearch), cosine");
            }

            return (Scan(unitQuery, top), "exact: every vector, SIMD dot products");
        }
    }

    public static float[] Normalised(float[] vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (!(norm > 0))
        {
            throw new ArgumentException("The query vector is zero.");
        }

        TensorPrimitives.Divide(vector, norm, vector);
        return vector;
    }

    public void Dispose()
    {
        lock (gate)
        {
            graph?.Dispose();
            graph = null;
        }
    }

    private List<TileHit> Scan(float[] query, int top)
    {
        // A min-heap of the best so far: the weakest leaves when a better tile comes.
        var heap = new PriorityQueue<(SlideTiles Slide, int Row), float>(top + 1);
        foreach (var tiles in slides.Values)
        {
            for (var i = 0; i < tiles.Count; i++)
            {
                var score = TensorPrimitives.Dot(query, tiles.VectorOf(i));
                if (heap.Count < top)
                {
                    heap.Enqueue((tiles, i), score);
                }
                else if (heap.TryPeek(out _, out var weakest) && score > weakest)
                {
                    heap.EnqueueDequeue((tiles, i), score);
                }
            }
        }

        var hits = new List<TileHit>(heap.Count);
        while (heap.TryDequeue(out var hit, out var score))
        {
            hits.Add(new TileHit(hit.Slide.SlideId, hit.Slide.Indices[hit.Row], hit.Slide.Boxes[hit.Row], score));
        }

        hits.Reverse();
        return hits;
    }

    private List<TileHit> GraphSearch(float[] query, int top)
    {
        var found = graph!.Search(query, top, out var keys, out var distances);
        var hits = new List<TileHit>(found);
        for (var i = 0; i < found; i++)
        {
            if (byKey.TryGetValue(keys[i], out var at))
            {
                // USearch's cosine distance is 1 - cosine.
                hits.Add(new TileHit(at.Slide.SlideId, at.Slide.Indices[at.Row], at.Slide.Boxes[at.Row], 1 - distances[i]));
            }
        }

        return hits;
    }

    private void EnsureGraph()
    {
        if (graph is not null)
        {
            return;
        }

        graph = new USearchIndex(MetricKind.Cos, ScalarKind.Float32, (ulong)Dimension, (ulong)settings.Connectivity, (ulong)settings.ExpansionAdd, (ulong)settings.ExpansionSearch, false);
        foreach (var tiles in slides.Values)
        {
            AddToGraph(tiles);
        }
    }

    private void AddToGraph(SlideTiles tiles)
    {
        if (graph is null)
        {
            return;
        }

        var keys = new ulong[tiles.Count];
        for (var i = 0; i < tiles.Count; i++)
        {
            keys[i] = nextKey++;
            byKey[keys[i]] = (tiles, i);
            graph.Add(keys[i], tiles.VectorOf(i).ToArray());
        }

        keysOf[tiles.SlideId] = keys;
    }

    private void RemoveFromGraph(string slideId)
    {
        if (graph is null || !keysOf.Remove(slideId, out var keys))
        {
            return;
        }

        foreach (var key in keys)
        {
            graph.Remove(key);
            byKey.Remove(key);
        }
    }
}
