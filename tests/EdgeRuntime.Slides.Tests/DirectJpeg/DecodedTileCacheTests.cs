using EdgeRuntime.Slides.DirectJpeg;
using Xunit;

namespace EdgeRuntime.Slides.Tests.DirectJpeg;

/// <summary>
/// The decoded-tile cache recycles evicted tiles' buffers for the next decodes, and never one that a reader still
/// copies from: a buffer handed to the decoder while another reader copied out of it would give that reader another
/// tile's pixels.
/// </summary>
public sealed class DecodedTileCacheTests
{
    private const int TileBytes = 256 * 256 * 3;

    [Fact]
    public void An_evicted_tile_still_read_is_not_reused_until_its_reader_is_done()
    {
        var cache = new DecodedTileCache(TileBytes); // room for one tile
        var a = cache.Rent(TileBytes);
        Array.Fill(a, (byte)'a');
        var leaseA = cache.Add(1, a);

        // B evicts A while A's reader holds it: A must not be handed out.
        var b = cache.Rent(TileBytes);
        Assert.NotSame(a, b);
        cache.Add(2, b).Dispose();
        Assert.False(cache.TryGet(1, out _));
        var c = cache.Rent(TileBytes);
        Assert.NotSame(a, c);
        Assert.All(leaseA.Pixels, p => Assert.Equal((byte)'a', p));

        // Once A's reader is done, its buffer is the next one rented.
        leaseA.Dispose();
        Assert.Same(a, cache.Rent(TileBytes));
        cache.Add(3, c).Dispose(); // evicts B, unleased: recycled at once
        Assert.Same(b, cache.Rent(TileBytes));
    }

    [Fact]
    public void A_tile_decoded_twice_keeps_the_first_and_recycles_the_second()
    {
        var cache = new DecodedTileCache(4L * TileBytes);
        var first = cache.Rent(TileBytes);
        var second = cache.Rent(TileBytes);
        using (var kept = cache.Add(7, first))
        using (var again = cache.Add(7, second))
        {
            Assert.Same(first, kept.Pixels);
            Assert.Same(first, again.Pixels);
        }

        Assert.True(cache.TryGet(7, out var hit));
        using (hit)
        {
            Assert.Same(first, hit.Pixels);
        }

        Assert.Same(second, cache.Rent(TileBytes));
    }

    [Fact]
    public void A_tile_larger_than_the_cache_is_leased_uncached_and_recycled_after()
    {
        var cache = new DecodedTileCache(0); // DecodedTileCacheMegabytes 0: nothing is kept
        var pixels = cache.Rent(TileBytes);
        using (var lease = cache.Add(1, pixels))
        {
            Assert.Same(pixels, lease.Pixels);
            Assert.False(cache.TryGet(1, out _));
            Assert.Equal(0, cache.SpareCount);
        }

        Assert.Same(pixels, cache.Rent(TileBytes));
    }
}
