namespace EdgeRuntime.Slides.DirectJpeg;

/// <summary>
/// The most recently decoded tiles of one slide, bounded in bytes, and the buffers they are decoded into.
/// Model tiles rarely align with the file's JPEG tiles, so each JPEG tile is wanted by up to four model tiles, two
/// of them one grid row later; keeping a few rows of decoded tiles decodes each once. Thread-safe; two readers that
/// miss the same tile both decode it.
/// </summary>
/// <remarks>
/// A tile's buffer is 192 KiB (256 px) to 3 MiB, on the large object heap: a new one per decode met fresh pages,
/// and the page faults of the decoder's first writes were about a tenth of the reading's CPU (perf, 2026-12-07).
/// So the buffers of evicted tiles are kept for the next decodes. A buffer is recycled only once no reader holds it:
/// every buffer handed out is leased, and an entry evicted while leased is recycled when its last lease ends.
/// </remarks>
internal sealed class DecodedTileCache(long capacityBytes)
{
    // Enough for every reader thread's decode in flight; beyond it, evicted buffers go to the GC.
    private const int MaxSpareBuffers = 16;

    private readonly Dictionary<long, LinkedListNode<Entry>> entries = [];
    private readonly LinkedList<Entry> order = new();
    private readonly Stack<byte[]> spare = new();
    private readonly Lock gate = new();
    private long bytes;

    /// <summary>Key of tile <paramref name="tile"/> of <paramref name="level"/> decoded at 1/<paramref name="denominator"/>.</summary>
    public static long KeyOf(int level, int tile, int denominator) => ((long)level << 40) | ((long)denominator << 32) | (uint)tile;

    /// <summary>Spare buffers held for reuse (for tests).</summary>
    internal int SpareCount
    {
        get
        {
            lock (gate)
            {
                return spare.Count;
            }
        }
    }

    /// <summary>The cached tile under <paramref name="key"/>, leased until the lease is disposed.</summary>
    public bool TryGet(long key, out Lease lease)
    {
        lock (gate)
        {
            if (entries.TryGetValue(key, out var node))
            {
                order.Remove(node);
                order.AddFirst(node);
                node.Value.Readers++;
                lease = new Lease(this, node.Value);
                return true;
            }
        }

        lease = default;
        return false;
    }

    /// <summary>
    /// A buffer of <paramref name="length"/> bytes to decode into, with arbitrary content (a decoder writes every
    /// byte): a spare one of that length if there is one, else a new one. Give it back with <see cref="Add"/>.
    /// </summary>
    public byte[] Rent(int length)
    {
        lock (gate)
        {
            if (spare.TryPeek(out var top) && top.Length == length)
            {
                return spare.Pop();
            }
        }

        return GC.AllocateUninitializedArray<byte>(length);
    }

    /// <summary>
    /// Keeps <paramref name="pixels"/> (from <see cref="Rent"/>) as tile <paramref name="key"/> and leases it to the
    /// caller. Another reader may have added the same tile meanwhile: then that one is leased, and these pixels are
    /// kept as a spare.
    /// </summary>
    public Lease Add(long key, byte[] pixels)
    {
        var entry = new Entry(key, pixels) { Readers = 1 };
        lock (gate)
        {
            if (entries.TryGetValue(key, out var existing))
            {
                existing.Value.Readers++;
                Recycle(pixels);
                return new Lease(this, existing.Value);
            }

            if (pixels.Length > capacityBytes)
            {
                entry.Evicted = true; // never cached: recycled when its lease ends
                return new Lease(this, entry);
            }

            entries[key] = order.AddFirst(entry);
            bytes += pixels.Length;
            while (bytes > capacityBytes && order.Last is { } last)
            {
                order.RemoveLast();
                entries.Remove(last.Value.Key);
                bytes -= last.Value.Pixels.Length;
                last.Value.Evicted = true;
                if (last.Value.Readers == 0)
                {
                    Recycle(last.Value.Pixels);
                }
            }
        }

        return new Lease(this, entry);
    }

    private void Release(Entry entry)
    {
        lock (gate)
        {
            if (--entry.Readers == 0 && entry.Evicted)
            {
                Recycle(entry.Pixels);
            }
        }
    }

    // Called under the gate. Spares of another size than the newest are dropped: one slide's tiles have one size
    // per level and scale, and a reader moving on to another level does not need the old size back.
    private void Recycle(byte[] pixels)
    {
        if (spare.TryPeek(out var top) && top.Length != pixels.Length)
        {
            spare.Clear();
        }

        if (spare.Count < MaxSpareBuffers)
        {
            spare.Push(pixels);
        }
    }

    internal sealed class Entry(long key, byte[] pixels)
    {
        public long Key { get; } = key;

        public byte[] Pixels { get; } = pixels;

        public int Readers { get; set; }

        public bool Evicted { get; set; }
    }

    /// <summary>A tile's pixels, held from recycling until disposed.</summary>
    public readonly struct Lease : IDisposable
    {
        private readonly DecodedTileCache? cache;
        private readonly Entry? entry;

        internal Lease(DecodedTileCache cache, Entry entry)
        {
            this.cache = cache;
            this.entry = entry;
        }

        /// <summary>The tile's RGB pixels.</summary>
        public byte[] Pixels => entry?.Pixels ?? [];

        /// <inheritdoc />
        public void Dispose() => cache?.Release(entry!);
    }
}
