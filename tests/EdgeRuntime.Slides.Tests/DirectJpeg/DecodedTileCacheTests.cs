using EdgeRuntime.Slides.DirectJpeg;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeRuntime.Slides.Tests.DirectJpeg;

/// <summary>
/// The decoded-tile cache recycles evicted tiles' buffers for the next decodes, and never one that a reader still
/// copies from: a buffer handed to the decoder while another reader copied out of it would give that reader another
/// tile's pixels. A closed slide's buffers go to the next slide's decodes (fresh buffers cost page faults on the
/// decoder's first writes), within a bound.
/// </summary>
public sealed class DecodedTileCacheTests
{
    private const int TileBytes = 256 * 256 * 3;

    [Fact]
    public void An_evicted_tile_still_read_is_not_reused_until_its_reader_is_done()
    {
        var cache = new DecodedTileCache(TileBytes, new DecodedTileBuffers()); // room for one tile
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
        var cache = new DecodedTileCache(4L * TileBytes, new DecodedTileBuffers());
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
        var buffers = new DecodedTileBuffers();
        var cache = new DecodedTileCache(0, buffers); // DecodedTileCacheMegabytes 0: nothing is kept
        var pixels = cache.Rent(TileBytes);
        using (var lease = cache.Add(1, pixels))
        {
            Assert.Same(pixels, lease.Pixels);
            Assert.False(cache.TryGet(1, out _));
            Assert.Equal(0, buffers.FreeBytes);
        }

        Assert.Same(pixels, cache.Rent(TileBytes));
    }

    [Fact]
    public void A_closed_caches_buffers_are_the_next_caches_and_a_held_one_waits_for_its_reader()
    {
        var buffers = new DecodedTileBuffers();
        var first = new DecodedTileCache(8L * TileBytes, buffers);
        var tiles = Enumerable.Range(0, 3).Select(_ => first.Rent(TileBytes)).ToArray();
        for (var i = 0; i < tiles.Length; i++)
        {
            first.Add(i, tiles[i]).Dispose();
        }

        var held = first.Rent(TileBytes);
        Array.Fill(held, (byte)'h');
        var lease = first.Add(9, held);
        first.Dispose();
        Assert.False(first.TryGet(0, out _));
        Assert.Equal(3L * TileBytes, buffers.FreeBytes);

        var next = new DecodedTileCache(8L * TileBytes, buffers);
        var rented = Enumerable.Range(0, 3).Select(_ => next.Rent(TileBytes)).ToArray();
        Assert.Equal(tiles.OrderBy(t => t.GetHashCode()), rented.OrderBy(t => t.GetHashCode()));
        Assert.All(held, p => Assert.Equal((byte)'h', p));

        lease.Dispose();
        Assert.Same(held, next.Rent(TileBytes));
    }

    [Fact]
    public void Free_buffers_are_bounded_by_the_largest_cache_or_16_tiles_worth()
    {
        var buffers = new DecodedTileBuffers();
        buffers.Allow(20L * TileBytes);
        for (var i = 0; i < 25; i++)
        {
            buffers.Return(new byte[TileBytes]);
        }

        Assert.Equal(20L * TileBytes, buffers.FreeBytes);

        // A cache configured to keep nothing still recycles the buffers of the decodes in flight.
        var none = new DecodedTileBuffers();
        none.Allow(0);
        for (var i = 0; i < 25; i++)
        {
            none.Return(new byte[TileBytes]);
        }

        Assert.Equal(16L * TileBytes, none.FreeBytes);

        // Smaller tiles (another level, a scaled decode) do not add their own 16 on top.
        for (var i = 0; i < 10; i++)
        {
            none.Return(new byte[TileBytes / 4]);
        }

        Assert.Equal(16L * TileBytes, none.FreeBytes);
    }

    // The real reader: the tiles CMU-1-Small-Region's region needs, decoded by one slide, are handed back when it
    // closes and decoded into again by the next slide opened, whose pixels are still OpenSlide's.
    [Fact]
    public void A_closed_slides_decoded_tiles_buffers_serve_the_next_slide()
    {
        var path = TestData.Slide("CMU-1-Small-Region.svs");
        var openSlide = new SlideOpener(new SlideReadingOptions { Reader = SlideReadingOptions.OpenSlideReader });
        const int Side = 500; // 1000..1500 in both axes: 3 × 3 of the file's 240 px tiles
        const long TileRgb = 240 * 240 * 3;
        byte[] expected;
        using (var reference = openSlide.Open(path))
        {
            expected = Slides.Read(reference, 0, 1000, 1000, Side, Side);
        }

        var buffers = new DecodedTileBuffers();
        byte[] direct;
        using (var first = DirectJpegSlide.Wrap(openSlide.Open(path), false, 64L << 20, NullLogger.Instance, buffers))
        {
            direct = Slides.Read(first, 0, 1000, 1000, Side, Side);
            Assert.Equal(0, buffers.FreeBytes);
        }

        // Within the reader tests' bound of 2 levels (another libjpeg build under OpenSlide); identical here.
        Assert.All(direct.Zip(expected), p => Assert.InRange(Math.Abs(p.First - p.Second), 0, 2));
        Assert.Equal(9 * TileRgb, buffers.FreeBytes);
        using var second = DirectJpegSlide.Wrap(openSlide.Open(path), false, 64L << 20, NullLogger.Instance, buffers);
        Assert.Equal(direct, Slides.Read(second, 0, 1000, 1000, Side, Side));
        Assert.Equal(0, buffers.FreeBytes);
    }
}
