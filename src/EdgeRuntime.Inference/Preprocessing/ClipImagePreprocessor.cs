using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Slides.Pixels;

namespace EdgeRuntime.Inference.Preprocessing;

/// <summary>
/// Turns an RGB image into the image tower's input, as CLIP's processor does: resize (the shortest side to the
/// input size, or exactly), with Pillow's filter; crop the centre square; scale to 0–1; subtract the mean and
/// divide by the standard deviation; channels first. Keeps its resizers by source size, so tiles of one
/// size are resized with one set of coefficients. Not thread-safe.
/// </summary>
public sealed class ClipImagePreprocessor
{
    private readonly PreprocessingSpec spec;
    private readonly ResampleFilter filter;
    private readonly Dictionary<(int Width, int Height), (PillowResizer Resizer, byte[] Buffer)> resizers = [];
    private readonly float[] scale = new float[3];
    private readonly float[] offset = new float[3];
    private readonly int[] channelSource;

    /// <summary>Creates a preprocessor for a manifest's preprocessing.</summary>
    public ClipImagePreprocessor(PreprocessingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        this.spec = spec;
        filter = spec.Interpolation == "bilinear" ? ResampleFilter.Bilinear : ResampleFilter.Bicubic;
        channelSource = spec.ChannelOrder == "BGR" ? [2, 1, 0] : [0, 1, 2];
        for (var c = 0; c < 3; c++)
        {
            // (v / 255 − mean) / std = v · (1 / (255 · std)) − mean / std
            scale[c] = (float)(1.0 / (255.0 * spec.Std[channelSource[c]]));
            offset[c] = (float)(spec.Mean[channelSource[c]] / spec.Std[channelSource[c]]);
        }
    }

    /// <summary>Side of the square the model receives.</summary>
    public int InputSize => spec.InputSize;

    /// <summary>Floats one preprocessed image occupies: 3 × size × size.</summary>
    public int ValuesPerImage => 3 * spec.InputSize * spec.InputSize;

    /// <summary>Preprocesses <paramref name="rgb"/> (<paramref name="width"/> × <paramref name="height"/>) into <paramref name="destination"/>, channels first.</summary>
    public void Process(ReadOnlySpan<byte> rgb, int width, int height, Span<float> destination)
    {
        if (destination.Length < ValuesPerImage)
        {
            throw new ArgumentException($"Destination holds {destination.Length} floats; {ValuesPerImage} needed.", nameof(destination));
        }

        var size = spec.InputSize;
        var resized = Resize(rgb, width, height, size, out var resizedWidth, out var resizedHeight, out var top, out var left);
        var plane = size * size;
        for (var y = 0; y < size; y++)
        {
            var sy = top + y;
            for (var x = 0; x < size; x++)
            {
                var sx = left + x;
                var inside = sy >= 0 && sy < resizedHeight && sx >= 0 && sx < resizedWidth;
                var o = inside ? ((sy * resizedWidth) + sx) * 3 : -1;
                for (var c = 0; c < 3; c++)
                {
                    // Outside the image (a crop larger than it) torchvision pads with 0.
                    var value = inside ? resized[o + channelSource[c]] : 0;
                    destination[(c * plane) + (y * size) + x] = (value * scale[c]) - offset[c];
                }
            }
        }
    }

    /// <summary>
    /// Side of the square <see cref="Crop"/> writes: the resize target (<c>resizeTo</c>, Prov-GigaPath's 256), else the
    /// input size. Processing a square of this side resizes nothing and crops its centre to the input size, which is
    /// where the image's own centre crop lies; a square of the input size would be resized to the target again.
    /// </summary>
    public int CropSize => spec.ResizeTo ?? spec.InputSize;

    /// <summary>
    /// The model's geometry alone: <paramref name="rgb"/> (<paramref name="width"/> × <paramref name="height"/>)
    /// resized exactly as <see cref="Process"/> does it and centre-cropped to <see cref="CropSize"/>, as 8-bit RGB
    /// (0 outside the image, as torchvision pads). Processing the result gives what processing the image gives.
    /// A plain image taken whole is cut this way, so that it goes through the model's transform once, as a patch
    /// dataset's paper classified it.
    /// </summary>
    public void Crop(ReadOnlySpan<byte> rgb, int width, int height, Span<byte> destination)
    {
        var size = CropSize;
        if (destination.Length < size * size * 3)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; {size * size * 3} needed.", nameof(destination));
        }

        var resized = Resize(rgb, width, height, size, out var resizedWidth, out var resizedHeight, out var top, out var left);
        destination[..(size * size * 3)].Clear();
        for (var y = 0; y < size; y++)
        {
            var sy = top + y;
            if (sy < 0 || sy >= resizedHeight)
            {
                continue;
            }

            var x0 = Math.Max(0, -left);
            var x1 = Math.Min(size, resizedWidth - left);
            if (x1 > x0)
            {
                resized.Slice(((sy * resizedWidth) + left + x0) * 3, (x1 - x0) * 3).CopyTo(destination.Slice(((y * size) + x0) * 3));
            }
        }
    }

    // The model's resize (shorter side to the resize target), then where torchvision's CenterCrop of side `size` starts:
    // offsets rounded half to even, as Python's round(). Process and Crop share it, so the geometry is written once.
    private ReadOnlySpan<byte> Resize(ReadOnlySpan<byte> rgb, int width, int height, int size, out int resizedWidth, out int resizedHeight, out int top, out int left)
    {
        (resizedWidth, resizedHeight) = ResizedSize(width, height);
        top = spec.CenterCrop ? (int)Math.Round((resizedHeight - size) / 2.0, MidpointRounding.ToEven) : 0;
        left = spec.CenterCrop ? (int)Math.Round((resizedWidth - size) / 2.0, MidpointRounding.ToEven) : 0;
        if (resizedWidth == width && resizedHeight == height)
        {
            return rgb;
        }

        var (resizer, buffer) = ResizerFor(width, height, resizedWidth, resizedHeight);
        resizer.Resize(rgb, buffer);
        return buffer;
    }

    private (int Width, int Height) ResizedSize(int width, int height)
    {
        if (spec.Resize == "exact")
        {
            return (spec.InputSize, spec.InputSize);
        }

        // Shortest side to the resize target (the input size unless the family resizes larger and crops, as
        // Prov-GigaPath's 256 → 224); the other scaled and truncated, as torchvision and Hugging Face do.
        var size = spec.ResizeTo ?? spec.InputSize;
        return width <= height
            ? (size, (int)((long)size * height / width))
            : ((int)((long)size * width / height), size);
    }

    private (PillowResizer Resizer, byte[] Buffer) ResizerFor(int width, int height, int outWidth, int outHeight)
    {
        if (!resizers.TryGetValue((width, height), out var entry))
        {
            entry = (new PillowResizer(width, height, outWidth, outHeight, filter), new byte[outWidth * outHeight * 3]);
            resizers[(width, height)] = entry;
        }

        return entry;
    }
}
