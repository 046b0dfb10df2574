namespace EdgeRuntime.Slides.DirectJpeg;

/// <summary>
/// The most recently decoded tiles of one slide, bounded in bytes, and the buffers they are decoded into.
/// Model tiles rarely align with the file's JPEG tiles, so each JPEG tile is wanted by up to four model tiles, two
/// of them one grid row later; keeping a few rows of decoded tiles decodes each once. Thread-safe; two readers that
/// miss the same tile both decode it.
/// </summary>
/// <remarks>
/// A tile's buffer is 192 KiB (256 px) to 3 MiB, on the large object heap: a new one per decode met fresh pages,
/// and the page faults of the decoder's first writes were a sixth of the reading's CPU (perf, 2026-12-07/08).
/// So buffers come from <see cref="DecodedTileBuffers"/>, and go back there when their tile is evicted or the cache
/// is disposed (the slide closed), for the next decodes of this slide or the next. A buffer is recycled only once no
/// reader holds it: every buffer handed out is leased, and an entry evicted while leased is recycled when its last
/// lease ends.
/// </remarks>
internal sealed class DecodedTileCache : IDisposable
{
    private readonly Dictionary<long, LinkedListNode<Entry>> entries = [];
    private readonly LinkedList<Entry> order = new();
    private readonly DecodedTileBuffers buffers;
    private readonly long capacityBytes;
    private readonly Lock gate = new();
    private long bytes;

    /// <summary>A cache of at most <paramref name="capacityBytes"/> of decoded tiles, its buffers from <paramref name="buffers"/>.</summary>
    public DecodedTileCache(long capacityBytes, DecodedTileBuffers buffers)
    {
        this.capacityBytes = capacityBytes;
        this.buffers = buffers;
        buffers.Allow(capacityBytes);
    }

    /// <summary>Key of tile <paramref name="tile"/> of <paramref name="level"/> decoded at 1/<paramref name="denominator"/>.</summary>
    public static long KeyOf(int level, int tile, int denominator) => ((long)level << 40) | ((long)denominator << 32) | (uint)tile;

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
    /// byte): a free one of that length if the pool has one, else a new one. Give it back with <see cref="Add"/>.
    /// </summary>
    public byte[] Rent(int length) => buffers.Rent(length);

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

    /// <summary>
    /// Gives every cached tile's buffer back to the pool for the next slide's decodes; a tile a reader still holds
    /// goes back when its lease ends. The cache is empty after.
    /// </summary>
    public void Dispose()
    {
        lock (gate)
        {
            foreach (var entry in order)
            {
                entry.Evicted = true;
                if (entry.Readers == 0)
                {
                    buffers.Return(entry.Pixels);
                }
            }

            order.Clear();
            entries.Clear();
            bytes = 0;
        }
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

    private void Recycle(byte[] pixels) => buffers.Return(pixels);

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
