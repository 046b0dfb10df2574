using System.Buffers.Binary;
using EdgeRuntime.Slides.DirectJpeg;
using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging;
using Xunit;

namespace EdgeRuntime.Slides.Tests.DirectJpeg;

/// <summary>
/// The direct JPEG reader against OpenSlide on the same files. At full scale both run the same libjpeg-turbo
/// (Debian's 2.1.5) with the same integer IDCT and fancy upsampling, so the pixels should be identical; the
/// tolerance of 2 levels per channel is for a machine where OpenSlide links another libjpeg build (SIMD IDCTs
/// and upsamplers may round differently by one), not for anything our reader does.
/// </summary>
public sealed class DirectJpegReaderTests
{
    private const int FullScaleTolerance = 2;

    private static readonly SlideOpener OpenSlideOnly = new(new SlideReadingOptions { Reader = SlideReadingOptions.OpenSlideReader });

    [Theory]
    [InlineData(0, 0, 240, 240)]
    [InlineData(100, 130, 224, 224)]
    [InlineData(1000, 1000, 500, 300)]
    [InlineData(2100, 2900, 224, 224)]
    [InlineData(-50, -20, 224, 224)]
    public void Aperio_full_scale_matches_openslide(long x, long y, int width, int height)
    {
        var path = TestData.Slide("CMU-1-Small-Region.svs");
        using var direct = Open(path, SlideReadingOptions.AutoReader);
        using var reference = OpenSlideOnly.Open(path);
        Assert.Contains("direct JPEG", direct.Info.Reader, StringComparison.Ordinal);
        Assert.StartsWith("OpenSlide", direct.Info.Reader, StringComparison.Ordinal);

        var (max, _) = Difference(Slides.Read(direct, 0, x, y, width, height), Slides.Read(reference, 0, x, y, width, height));
        Assert.InRange(max, 0, FullScaleTolerance);
    }

    // The direct reader clears a destination only where no tile writes (outside the level, an empty tile): a region
    // inside the level must still come out whole when the buffer held other pixels (the pipeline reuses its buffers).
    [Theory]
    [InlineData(100, 130, 224, 224)]
    [InlineData(2100, 2900, 224, 224)]
    [InlineData(-50, -20, 224, 224)]
    public void A_region_is_written_whole_whatever_the_buffer_held(long x, long y, int width, int height)
    {
        var path = TestData.Slide("CMU-1-Small-Region.svs");
        using var direct = Open(path, SlideReadingOptions.AutoReader);
        using var reference = OpenSlideOnly.Open(path);
        var expected = Slides.Read(reference, 0, x, y, width, height);
        foreach (var held in new byte[] { 0x00, 0x5A, 0xFF })
        {
            var buffer = new byte[width * height * 3];
            Array.Fill(buffer, held);
            direct.ReadRegion(0, x, y, width, height, buffer);
            var (max, _) = Difference(buffer, expected);
            Assert.InRange(max, 0, FullScaleTolerance);
        }
    }

    [Fact]
    public void Generic_tiled_tiff_matches_openslide_on_every_level()
    {
        using var generated = new GeneratedSlide("jpeg.tiff");
        using var direct = Open(generated.Path, SlideReadingOptions.AutoReader);
        using var reference = OpenSlideOnly.Open(generated.Path);
        Assert.Contains("direct JPEG", direct.Info.Reader, StringComparison.Ordinal);
        Assert.True(direct.Info.Levels.Count > 1);
        for (var level = 0; level < direct.Info.Levels.Count; level++)
        {
            var downsample = direct.Info.Levels[level].Downsample;
            var x = (long)(300 * downsample);
            var y = (long)(200 * downsample);
            var (max, _) = Difference(Slides.Read(direct, level, x, y, 300, 260), Slides.Read(reference, level, x, y, 300, 260));
            Assert.InRange(max, 0, FullScaleTolerance);
        }
    }

    [Fact]
    public void Small_aperio_file_edge_tile_is_cropped_and_white_beyond()
    {
        var path = TestData.Slide("small.svs");
        using var direct = Open(path, SlideReadingOptions.AutoReader);
        using var reference = OpenSlideOnly.Open(path);
        Assert.Contains("direct JPEG", direct.Info.Reader, StringComparison.Ordinal);
        var (max, _) = Difference(Slides.Read(direct, 0, -4, -4, 32, 32), Slides.Read(reference, 0, -4, -4, 32, 32));
        Assert.InRange(max, 0, FullScaleTolerance);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Scaled_decode_is_close_to_openslide_and_bicubic(int denominator)
    {
        var path = TestData.Slide("CMU-1-Small-Region.svs");
        using var direct = Open(path, SlideReadingOptions.DirectJpegReader);
        using var reference = OpenSlideOnly.Open(path);
        var scaled = Assert.IsAssignableFrom<IScaledRegionReader>(direct);
        Assert.Equal(denominator, scaled.ScaleDenominatorFor(0, denominator));
        const int side = 112;
        var fast = new byte[side * side * 3];
        scaled.ReadRegionScaled(0, 480, 720, side, side, denominator, fast);
        var full = Slides.Read(reference, 0, 480, 720, side * denominator, side * denominator);
        var resized = new byte[side * side * 3];
        new PillowResizer(side * denominator, side * denominator, side, side, ResampleFilter.Bicubic).Resize(full, resized);

        // DCT scaling averages each 8×8 block's low frequencies, bicubic filters pixels: close, not equal.
        var (_, mean) = Difference(fast, resized);
        Assert.InRange(mean, 0, 6);
    }

    [Fact]
    public void Openslide_reader_and_non_jpeg_slides_stay_with_openslide()
    {
        using (var forced = Open(TestData.Slide("CMU-1-Small-Region.svs"), SlideReadingOptions.OpenSlideReader))
        {
            Assert.DoesNotContain("direct", forced.Info.Reader, StringComparison.Ordinal);
        }

        var logger = new RecordingLogger();
        using (var deflate = new SlideOpener(new SlideReadingOptions(), logger).Open(TestData.Slide("boxes.tiff")))
        {
            Assert.DoesNotContain("direct", deflate.Info.Reader, StringComparison.Ordinal);
            Assert.Contains(logger.Entries, e => e.Message.Contains("boxes.tiff", StringComparison.Ordinal) && e.Message.Contains("not JPEG", StringComparison.Ordinal));
        }

        using var ndpi = Open(TestData.Slide("test3-DAPI-2.ndpi"), SlideReadingOptions.DirectJpegReader);
        Assert.DoesNotContain("direct", ndpi.Info.Reader, StringComparison.Ordinal);
        Assert.IsNotType<DirectJpegSlide>(ndpi);
    }

    [Fact]
    public void Corrupt_tile_falls_back_to_openslide_with_the_reason_logged()
    {
        using var directory = new TempDirectory();
        var path = directory.File("corrupt.svs");
        var bytes = File.ReadAllBytes(TestData.Slide("CMU-1-Small-Region.svs"));
        var (offset, count) = FirstTileBytes(bytes);
        // Garble the entropy-coded data of the first tile past its headers: libjpeg reports it corrupt.
        var start = (int)offset + ((int)count / 2);
        bytes.AsSpan(start, 64).Fill(0xFF);
        File.WriteAllBytes(path, bytes);

        var logger = new RecordingLogger();
        using var direct = new SlideOpener(new SlideReadingOptions(), logger).Open(path);
        Assert.Contains("direct JPEG", direct.Info.Reader, StringComparison.Ordinal);
        using var reference = OpenSlideOnly.Open(path);
        Assert.Equal(Outcome(reference, 0, 0), Outcome(direct, 0, 0));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(path, StringComparison.Ordinal) && e.Message.Contains("tile 0", StringComparison.Ordinal));

        // The rest of the slide now reads through OpenSlide, still the same pixels.
        Assert.Equal(Outcome(reference, 1000, 1000), Outcome(direct, 1000, 1000));
    }

    [Fact]
    public void Unreadable_slide_is_an_error_naming_the_file_as_before()
    {
        var path = TestData.Slide("unreadable.svs");
        using var direct = Open(path, SlideReadingOptions.AutoReader);
        var error = Assert.Throws<SlideReadException>(() => Slides.Read(direct, 0, 0, 0, 16, 16));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tile_beyond_the_end_of_the_file_is_refused_before_reading()
    {
        using var directory = new TempDirectory();
        var path = directory.File("beyond.svs");
        var bytes = File.ReadAllBytes(TestData.Slide("CMU-1-Small-Region.svs"));
        var counts = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(EntryOffset(bytes, tag: 325) + 8));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(counts), 0x7FFF_FFF0);
        File.WriteAllBytes(path, bytes);

        var level = Assert.Single(JpegTileLayoutReader.Read(path), d => d.Width == 2220);
        Assert.Null(level.Level);
        Assert.Contains("outside the file", level.Refusal, StringComparison.Ordinal);
        var logger = new RecordingLogger();
        using var slide = new SlideOpener(new SlideReadingOptions(), logger).Open(path);
        Assert.IsNotType<DirectJpegSlide>(slide);
        Assert.Contains(logger.Entries, e => e.Message.Contains(path, StringComparison.Ordinal) && e.Message.Contains("outside the file", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_jpeg_tables_fall_back_and_fail_as_openslide_does()
    {
        using var directory = new TempDirectory();
        var path = directory.File("no-tables.svs");
        var bytes = File.ReadAllBytes(TestData.Slide("CMU-1-Small-Region.svs"));
        // Renames the first directory's JPEGTables tag to a private one: libtiff no longer sees tables.
        var entry = EntryOffset(bytes, tag: 347);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(entry), 65000);
        File.WriteAllBytes(path, bytes);

        var logger = new RecordingLogger();
        using var direct = new SlideOpener(new SlideReadingOptions(), logger).Open(path);
        using var reference = OpenSlideOnly.Open(path);
        var outcome = Outcome(direct, 0, 0);
        Assert.Equal(Outcome(reference, 0, 0), outcome);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(path, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("fast", "EdgeRuntime:Slides:Reader")]
    [InlineData("OpenSlide", "EdgeRuntime:Slides:Reader")]
    public void Unknown_reader_is_refused_with_its_config_path(string reader, string key)
    {
        var errors = new SlideReadingOptions { Reader = reader }.Validate().ToList();
        Assert.Contains(errors, e => e.StartsWith(key, StringComparison.Ordinal) && e.Contains(reader, StringComparison.Ordinal));
        Assert.Contains(new SlideReadingOptions { DecodedTileCacheMegabytes = -1 }.Validate(), e => e.StartsWith("EdgeRuntime:Slides:DecodedTileCacheMegabytes", StringComparison.Ordinal));
    }

    private static ISlide Open(string path, string reader) => new SlideOpener(new SlideReadingOptions { Reader = reader }).Open(path);

    // Pixels as a hash, or the failure's kind: what a caller of ReadRegion sees.
    private static string Outcome(ISlide slide, long x, long y)
    {
        try
        {
            return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Slides.Read(slide, 0, x, y, 256, 256)));
        }
        catch (SlideReadException e)
        {
            Assert.Contains(slide.Info.FilePath, e.Message, StringComparison.Ordinal);
            return "failed";
        }
    }

    private static (int Max, double Mean) Difference(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0;
        long sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = Math.Abs(a[i] - b[i]);
            max = Math.Max(max, d);
            sum += d;
        }

        return (max, (double)sum / a.Length);
    }

    // The first IFD's entry for tag: a classic little-endian TIFF, as Aperio writes it.
    private static int EntryOffset(byte[] tiff, ushort tag)
    {
        var ifd = (int)BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(4));
        var entries = BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(ifd));
        for (var i = 0; i < entries; i++)
        {
            var at = ifd + 2 + (12 * i);
            if (BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(at)) == tag)
            {
                return at;
            }
        }

        throw new InvalidOperationException($"tag {tag} not in the first IFD");
    }

    private static (long Offset, long Count) FirstTileBytes(byte[] tiff)
    {
        var offsets = (int)BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(EntryOffset(tiff, 324) + 8));
        var counts = (int)BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(EntryOffset(tiff, 325) + 8));
        return (BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(offsets)), BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(counts)));
    }
}
