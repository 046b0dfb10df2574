using System.Globalization;
using System.Runtime.InteropServices;
using EdgeRuntime.Foundation;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Tiling.Tissue;

/// <summary>
/// CLAM-style tissue detection for brightfield slides: HSV saturation of a low-resolution view, median blur,
/// Otsu threshold (within a floor and a ceiling), minus dark pixels (scanner borders, black ink) and pen-coloured pixels,
/// then morphological closing, speck removal and hole filling. Stained tissue is saturated; glass is not.
/// </summary>
internal sealed class SaturationTissueDetector : ITissueDetector
{
    private readonly TissueDetectionOptions options;

    /// <inheritdoc />
    public string Name => TissueDetectors.Saturation;

    /// <summary>Creates a detector with validated options.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public SaturationTissueDetector(TissueDetectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionsValidation.ThrowIfInvalid(options.Validate(), nameof(options));

        this.options = options;
    }

    /// <inheritdoc />
    public TissueMask Detect(ISlide slide)
    {
        ArgumentNullException.ThrowIfNull(slide);
        var info = slide.Info;
        var longSide = Math.Max(info.Width, info.Height);
        var downsample = Math.Max(1.0, Math.Min(options.MaskDownsample, (double)longSide / options.MinimumMaskLongSide));
        var width = (int)Math.Max(1, Math.Ceiling(info.Width / downsample));
        var height = (int)Math.Max(1, Math.Ceiling(info.Height / downsample));
        var (level, pixels) = SlideDownsampler.SourceOf(slide, width, height);
        if (pixels > options.MaxSourcePixels)
        {
            // Memory is bounded either way (strips); time is not: minutes of decoding for one file would hold every
            // slide behind it. Real scanner slides have a pyramid, so this is a damaged file or not a slide.
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"the tissue mask ({width} × {height}) would have to be made from level {level} of {info.Levels[level].Width} × {info.Levels[level].Height} pixels ({pixels / 1e6:0} Mpx), more than {TissueDetectionOptions.Section}:{nameof(TissueDetectionOptions.MaxSourcePixels)} ({options.MaxSourcePixels / 1e6:0} Mpx): the file has no lower-resolution level, or declares dimensions it does not have. Give it a pyramid, or raise that limit."));
        }

        var image = SlideDownsampler.Read(slide, width, height);

        var micronsPerMaskPixel = info.Resolution.MicronsPerPixel * info.Width / width;
        return Detect(image, info.Width, info.Height, micronsPerMaskPixel);
    }

    /// <summary>Computes the mask of an already downsampled view whose pixels measure <paramref name="micronsPerPixel"/>.</summary>
    internal TissueMask Detect(RgbImage image, long slideWidth, long slideHeight, double micronsPerPixel)
    {
        int width = image.Width, height = image.Height;
        var rgb = image.Span;
        var saturation = new byte[width * height];
        var excluded = new bool[width * height];
        var penFilterOn = options.PenHueMaxDegrees > options.PenHueMinDegrees;
        for (var i = 0; i < saturation.Length; i++)
        {
            byte r = rgb[i * 3], g = rgb[(i * 3) + 1], b = rgb[(i * 3) + 2];
            var s = Hsv.Saturation(r, g, b);
            saturation[i] = s;
            if (Hsv.Value(r, g, b) < options.DarkValueThreshold)
            {
                excluded[i] = true;
            }
            else if (penFilterOn && s >= options.PenMinSaturation)
            {
                var hue = Hsv.HueDegrees(r, g, b);
                excluded[i] = hue >= options.PenHueMinDegrees && hue <= options.PenHueMaxDegrees;
            }
        }

        var blurred = MedianFilter.Apply(saturation, width, height, options.MedianKernelSize);
        // Otsu over the pixels that could be tissue: ink and borders would drag the threshold towards themselves.
        var candidates = new List<byte>(blurred.Length);
        for (var i = 0; i < blurred.Length; i++)
        {
            if (!excluded[i])
            {
                candidates.Add(blurred[i]);
            }
        }

        var threshold = Math.Clamp(OtsuThreshold.Compute(CollectionsMarshal.AsSpan(candidates)), options.MinimumSaturation, options.MaximumSaturation);
        var bits = new byte[width * height];
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = (byte)(blurred[i] > threshold && !excluded[i] ? 1 : 0);
        }

        var pixelArea = micronsPerPixel * micronsPerPixel;
        Morphology.Close(bits, width, height, (int)Math.Round(options.CloseRadiusMicrons / micronsPerPixel));
        ConnectedComponents.RemoveSmallForeground(bits, width, height, (int)Math.Ceiling(options.MinTissueAreaSquareMicrons / pixelArea));
        ConnectedComponents.FillSmallHoles(bits, width, height, (int)Math.Ceiling(options.MaxHoleAreaSquareMicrons / pixelArea));

        // Closing may have bridged back over ink or border pixels; those stay out.
        for (var i = 0; i < bits.Length; i++)
        {
            if (excluded[i])
            {
                bits[i] = 0;
            }
        }

        return new TissueMask(width, height, slideWidth, slideHeight, bits, threshold);
    }
}
