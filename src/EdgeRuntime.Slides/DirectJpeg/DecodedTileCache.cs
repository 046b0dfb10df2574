namespace EdgeRuntime.Slides.DirectJpeg;

/// <summary>
/// The most recently decoded tiles of one slide, bounded in bytes. Model tiles rarely align with the file's JPEG
/// tiles, so each JPEG tile is wanted by up to four model tiles, two of them one grid row later; keeping a few rows
/// of decoded tiles decodes each once. Thread-safe; two readers that miss the same tile both decode it.
/// </summary>
internal sealed class DecodedTileCache(long capacityBytes)
{
    private readonly Dictionary<long, LinkedListNode<(long Key, byte[] Pixels)>> entries = [];
    private readonly LinkedList<(long Key, byte[] Pixels)> order = new();
    private readonly Lock gate = new();
    private long bytes;

    /// <summary>Key of tile <paramref name="tile"/> of <paramref name="level"/> decoded at 1/<paramref name="denominator"/>.</summary>
    public static long KeyOf(int level, int tile, int denominator) => ((long)level << 40) | ((long)denominator << 32) | (uint)tile;

    public bool TryGet(long key, out byte[] pixels)
    {
        lock (gate)
        {
            if (entries.TryGetValue(key, out var node))
            {
                order.Remove(node);
                order.AddFirst(node);
                pixels = node.Value.Pixels;
                return true;
            }
        }

        pixels = [];
        return false;
    }

    public void Add(long key, byte[] pixels)
    {
        if (pixels.Length > capacityBytes)
        {
            return;
        }

        lock (gate)
        {
            if (entries.ContainsKey(key))
            {
                return;
            }

            entries[key] = order.AddFirst((key, pixels));
            bytes += pixels.Length;
            while (bytes > capacityBytes && order.Last is { } last)
            {
                order.RemoveLast();
                entries.Remove(last.Value.Key);
                bytes -= last.Value.Pixels.Length;
            }
        }
    }
}
