namespace EdgeRuntime.Slides.DirectJpeg;

/// <summary>
/// Free buffers for decoded tiles, kept across slides. A buffer the decoder writes for the first time meets fresh
/// pages, and the page faults of those first writes cost about a sixth of the direct reader's CPU on a slide whose
/// tiles fit its cache whole (perf, 2026-12-08: every decode a new buffer). Buffers of a closed slide's cache, and of
/// tiles evicted, come here and the next decodes take them, whichever slide they are for. Bounded in bytes by the
/// largest decoded-tile cache opened (<c>Slides:DecodedTileCacheMegabytes</c>), so a service holds at most one more
/// cache's worth of memory between slides, or 16 tiles' worth where that is more (the decodes in flight, when the
/// cache is configured to keep nothing). Thread-safe.
/// </summary>
internal sealed class DecodedTileBuffers
{
    // Enough for every reader thread's decode in flight, whatever the bound in bytes.
    private const int AlwaysKept = 16;

    private readonly Dictionary<int, Stack<byte[]>> free = [];
    private readonly Lock gate = new();
    private long bytes;
    private long limit;

    /// <summary>The process's pool, shared by every slide the direct reader opens.</summary>
    public static DecodedTileBuffers Shared { get; } = new();

    /// <summary>Bytes held free (for tests).</summary>
    internal long FreeBytes
    {
        get
        {
            lock (gate)
            {
                return bytes;
            }
        }
    }

    /// <summary>Lets the pool hold at least <paramref name="capacityBytes"/>: a cache of that size was opened.</summary>
    public void Allow(long capacityBytes)
    {
        lock (gate)
        {
            limit = Math.Max(limit, capacityBytes);
        }
    }

    /// <summary>
    /// A buffer of exactly <paramref name="length"/> bytes with arbitrary content (a decoder writes every byte): a
    /// free one if there is one, else a new one.
    /// </summary>
    public byte[] Rent(int length)
    {
        lock (gate)
        {
            if (free.TryGetValue(length, out var stack) && stack.TryPop(out var buffer))
            {
                bytes -= length;
                return buffer;
            }
        }

        return GC.AllocateUninitializedArray<byte>(length);
    }

    /// <summary>Keeps <paramref name="buffer"/> for a later <see cref="Rent"/> while the bound allows; no reader may hold it.</summary>
    public void Return(byte[] buffer)
    {
        lock (gate)
        {
            if (!free.TryGetValue(buffer.Length, out var stack))
            {
                free[buffer.Length] = stack = new Stack<byte[]>();
            }

            if (bytes + buffer.Length <= Math.Max(limit, (long)AlwaysKept * buffer.Length))
            {
                stack.Push(buffer);
                bytes += buffer.Length;
            }
        }
    }
}
