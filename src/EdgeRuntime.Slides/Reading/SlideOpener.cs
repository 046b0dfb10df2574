using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Foundation;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Slides.DirectJpeg;
using EdgeRuntime.Slides.Images;
using EdgeRuntime.Slides.OpenSlide;
using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Slides.Resolution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRuntime.Slides.Reading;

/// <summary>
/// Opens any supported file as an <see cref="ISlide"/>: whole-slide formats through OpenSlide first, then
/// PNG and JPEG through SkiaSharp and untiled TIFF through libtiff. Aperio SVS and generic tiled TIFF slides
/// whose tiles are JPEG have their pixels decoded directly with libjpeg-turbo unless <c>Slides:Reader</c> says
/// <c>openslide</c>. Every failure is a
/// <see cref="SlideException"/> that names the file and says why.
/// </summary>
public sealed class SlideOpener
{
    private readonly SlideReadingOptions options;
    private readonly ResolutionResolver resolver;
    private readonly ILogger logger;

    /// <summary>Creates an opener with validated options; <paramref name="logger"/> hears which reader each slide gets and why.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public SlideOpener(SlideReadingOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionsValidation.ThrowIfInvalid(options.Validate(), nameof(options));

        this.options = options;
        this.logger = logger ?? NullLogger.Instance;
        resolver = new ResolutionResolver(options);
    }

    /// <summary>Opens <paramref name="path"/>.</summary>
    /// <exception cref="SlideException">The file is missing, empty, of an unsupported format, or unreadable.</exception>
    /// <exception cref="OpenSlideNotInstalledException">libopenslide is missing.</exception>
    public ISlide Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = Path.GetFullPath(path);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new SlideException(path, Directory.Exists(path) ? "is a folder, not a slide file." : "no such file.");
        }

        // A named pipe, a socket or a device passes Exists with a length of 0; OpenSlide or a decoder opening a pipe
        // would block until a writer came, so what it is is said before anything opens it.
        if (RegularFile.Problem(path, "a slide file", long.MaxValue) is { } what)
        {
            throw new UnsupportedSlideException(path, what);
        }

        if (file.Length == 0)
        {
            throw new UnsupportedSlideException(path, "the file is empty (0 bytes); a scanner may still be writing it.");
        }

        var slide = OpenSlideSlide.TryOpen(path, resolver);
        if (slide is not null)
        {
            return options.Reader == SlideReadingOptions.OpenSlideReader
                ? slide
                : DirectJpegSlide.Wrap(slide, ScaledDecoding(options.Reader), options.DecodedTileCacheMegabytes * 1024L * 1024, logger);
        }

        return TryOpenPlainImage(path) ?? throw new UnsupportedSlideException(path, DescribeUnsupported(path));
    }

    /// <summary>
    /// Whether a reader decodes JPEG tiles at 1/2, 1/4 or 1/8 where the model's resolution allows it. Under auto,
    /// only where the measurement in docs/performance.md kept every tile's embedding at cosine ≥ 0.999.
    /// </summary>
    public static bool ScaledDecoding(string reader) => reader == SlideReadingOptions.DirectJpegReader || (reader == SlideReadingOptions.AutoReader && AutoScales);

    // Set from the measurement (docs/performance.md, "Reading faster than OpenSlide").
    private const bool AutoScales = false;

    private PlainImageSlide? TryOpenPlainImage(string path)
    {
        var properties = new SortedDictionary<string, string>(StringComparer.Ordinal);
        RgbImage? image;
        string format;
        if (IsTiff(path))
        {
            format = "tiff";
            image = TiffImageDecoder.Decode(path, options.MaxPlainImagePixels, properties);
        }
        else
        {
            image = SkiaImageDecoder.TryDecode(path, options.MaxPlainImagePixels, out format);
            if (image is null)
            {
                return null;
            }

            if (format == "png")
            {
                PngDensity.Read(path, properties);
            }
        }

        var info = new SlideInfo
        {
            FilePath = path,
            Format = format,
            Reader = format == "tiff" ? "libtiff" : "SkiaSharp",
            Levels = [new SlideLevel(0, image.Width, image.Height, 1.0)],
            Properties = properties,
            AssociatedImages = [],
            Resolution = resolver.Resolve(properties),
        };
        return new PlainImageSlide(info, image);
    }

    private static string DescribeUnsupported(string path)
    {
        if (IsDicom(path))
        {
            return $"DICOM whole-slide images are not supported by the installed OpenSlide {OpenSlideLibrary.Version}; they need OpenSlide 4.0 or newer.";
        }

        var extension = Path.GetExtension(path).ToLowerInvariant();
        return $"not a format EdgeRuntime can read: OpenSlide {OpenSlideLibrary.Version} does not recognise it"
            + (extension.Length > 0 ? $" despite its '{extension}' name" : string.Empty)
            + ", and it is not a PNG, JPEG or TIFF image.";
    }

    private static bool IsTiff(string path) => StartsWith(path, 0, "II*\0"u8) || StartsWith(path, 0, "MM\0*"u8)
        || StartsWith(path, 0, "II+\0"u8) || StartsWith(path, 0, "MM\0+"u8);

    // DICOM Part 10 files carry a 128-byte preamble followed by the magic "DICM".
    private static bool IsDicom(string path) => StartsWith(path, 128, "DICM"u8);

    private static bool StartsWith(string path, int offset, ReadOnlySpan<byte> magic)
    {
        using var stream = File.OpenRead(path);
        if (stream.Length < offset + magic.Length)
        {
            return false;
        }

        stream.Seek(offset, SeekOrigin.Begin);
        Span<byte> head = stackalloc byte[magic.Length];
        return stream.ReadAtLeast(head, magic.Length, throwOnEndOfStream: false) == magic.Length && head.SequenceEqual(magic);
    }
}
