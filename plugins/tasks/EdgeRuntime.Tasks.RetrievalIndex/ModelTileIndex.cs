using System.Numerics.Tensors;
using Cloud.Unum.USearch;
using EdgeRuntime.Abstractions.Models;

namespace EdgeRuntime.Tasks.RetrievalIndex;

/// <summary>A hit: a tile of an indexed slide (and the slide's file name, where recorded) and its cosine similarity to the query.</summary>
internal readonly record struct TileHit(string SlideId, string? FileName, int TileIndex, Abstractions.Tiles.TileBox Box, float Score);

/// <summary>The tiles a region query was made of (rows of one slide), which its answer leaves out.</summary>
internal sealed record RegionQuery(string SlideId, float[] Vector, IReadOnlySet<int> Rows);

/// <summary>
/// The tiles one model (id and version) embedded, searchable by cosine similarity; embeddings of different models
/// live in different instances and are never compared. Files in <c>{folder}/{slide}.tiles</c> are the truth; memory
/// holds their contents. Exact search scans every vector with SIMD dot products (the reference); above
/// <see cref="RetrievalSettings.ApproximateAbove"/> tiles an HNSW graph (USearch) answers instead, built once and
/// kept in step as slides are added and removed.
/// </summary>
internal sealed class ModelTileIndex : IDisposable
{
    // Rows between looks at the request's deadline: a few microseconds of dot products.
    private const int CancellationStride = 4096;

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

    /// <summary>The unit mean of the slide's tiles that overlap the level-0 box and which tiles they are, or null when none do.</summary>
    public RegionQuery? RegionVector(string slideId, Abstractions.Tiles.TileBox box, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!slides.TryGetValue(slideId, out var tiles))
            {
                return null;
            }

            var sum = new float[tiles.Dimension];
            var rows = new HashSet<int>();
            for (var i = 0; i < tiles.Count; i++)
            {
                if (i % CancellationStride == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var b = tiles.Boxes[i];
                if (b.X < box.X + box.Width && box.X < b.X + b.Width && b.Y < box.Y + box.Height && box.Y < b.Y + b.Height)
                {
                    TensorPrimitives.Add(sum, tiles.VectorOf(i), sum);
                    rows.Add(i);
                }
            }

            return rows.Count == 0 ? null : new RegionQuery(slideId, Normalised(sum), rows);
        }
    }

    /// <summary>The <paramref name="top"/> tiles most similar to <paramref name="unitQuery"/>.</summary>
    /// <param name="unitQuery">A unit vector of this model's width.</param>
    /// <param name="top">How many hits.</param>
    /// <param name="exact">Scan every vector even above the approximate threshold (the reference).</param>
    /// <param name="leaveOut">A region query's own tiles, which are not hits (each would be found first, by itself).</param>
    /// <param name="cancellationToken">The request's deadline: the scan stops when it passes.</param>
    public (IReadOnlyList<TileHit> Hits, string Method) Search(float[] unitQuery, int top, bool exact, RegionQuery? leaveOut = null, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            var total = slides.Values.Sum(s => (long)s.Count);
            if (!exact && total >= settings.ApproximateAbove)
            {
                EnsureGraph(cancellationToken);
                return (GraphSearch(unitQuery, top, leaveOut), "approximate: HNSW graph (USearch), cosine");
            }

            return (Scan(unitQuery, top, leaveOut, cancellationToken), "exact: every vector, SIMD dot products");
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

    private List<TileHit> Scan(float[] query, int top, RegionQuery? leaveOut, CancellationToken cancellationToken)
    {
        // A min-heap of the best so far: the weakest leaves when a better tile comes.
        var heap = new PriorityQueue<(SlideTiles Slide, int Row), float>(top + 1);
        foreach (var tiles in slides.Values)
        {
            var skip = leaveOut is not null && leaveOut.SlideId == tiles.SlideId ? leaveOut.Rows : null;
            for (var i = 0; i < tiles.Count; i++)
            {
                if (i % CancellationStride == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (skip?.Contains(i) == true)
                {
                    continue;
                }

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
            hits.Add(Hit(hit.Slide, hit.Row, score));
        }

        hits.Reverse();
        return hits;
    }

    private List<TileHit> GraphSearch(float[] query, int top, RegionQuery? leaveOut)
    {
        // Asked for as many more as are left out, so that the answer still has top hits.
        var found = graph!.Search(query, top + (leaveOut?.Rows.Count ?? 0), out var keys, out var distances);
        var hits = new List<TileHit>(found);
        for (var i = 0; i < found && hits.Count < top; i++)
        {
            if (byKey.TryGetValue(keys[i], out var at) && !(leaveOut is not null && leaveOut.SlideId == at.Slide.SlideId && leaveOut.Rows.Contains(at.Row)))
            {
                // USearch's cosine distance is 1 - cosine.
                hits.Add(Hit(at.Slide, at.Row, 1 - distances[i]));
            }
        }

        return hits;
    }

    private static TileHit Hit(SlideTiles slide, int row, float score) => new(slide.SlideId, slide.FileName, slide.Indices[row], slide.Boxes[row], score);

    private void EnsureGraph(CancellationToken cancellationToken)
    {
        if (graph is not null)
        {
            return;
        }

        var built = new USearchIndex(MetricKind.Cos, ScalarKind.Float32, (ulong)Dimension, (ulong)settings.Connectivity, (ulong)settings.ExpansionAdd, (ulong)settings.ExpansionSearch, false);
        try
        {
            graph = built;
            foreach (var tiles in slides.Values)
            {
                cancellationToken.ThrowIfCancellationRequested();
                AddToGraph(tiles);
            }
        }
        catch (OperationCanceledException)
        {
            // A graph half built is dropped whole; the next search builds it again.
            byKey.Clear();
            keysOf.Clear();
            graph = null;
            built.Dispose();
            throw;
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
