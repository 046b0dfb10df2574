namespace EdgeRuntime.Slides.Pixels;

/// <summary>
/// Resizes 8-bit images exactly as Pillow's <c>Image.resize</c> does (libImaging/Resample.c): a separable
/// convolution, horizontal pass then vertical, whose kernel is widened by the scale on downscaling
/// (antialiasing), with coefficients normalised and rounded to 22-bit fixed point. CLIP-style models were
/// trained on Pillow's output; matching its arithmetic keeps their embeddings faithful.
/// <para>
/// One instance serves one (input size, output size, filter) and keeps its coefficient tables and scratch
/// row buffer, so resizing tile after tile allocates nothing. Instances are not thread-safe: give each reader its own.
/// </para>
/// </summary>
public sealed class PillowResizer
{
    // Pillow: PRECISION_BITS = 32 − 8 − 2, leaving room for 8-bit values times kernels whose sum of
    // magnitudes exceeds 1 (the negative lobes of the cubic kernel).
    private const int PrecisionBits = 32 - 8 - 2;

    private readonly Axis horizontal;
    private readonly Axis vertical;
    private readonly bool needHorizontal;
    private readonly bool needVertical;
    private readonly int firstRow;
    private readonly int rowCount;
    private readonly byte[] intermediate;

    /// <summary>Prepares a resize from <paramref name="inWidth"/>×<paramref name="inHeight"/> to <paramref name="outWidth"/>×<paramref name="outHeight"/>.</summary>
    /// <param name="inWidth">Source width.</param>
    /// <param name="inHeight">Source height.</param>
    /// <param name="outWidth">Destination width.</param>
    /// <param name="outHeight">Destination height.</param>
    /// <param name="filter">Interpolation kernel.</param>
    /// <param name="channels">Interleaved 8-bit channels per pixel: 1 (grey) or 3 (RGB).</param>
    public PillowResizer(int inWidth, int inHeight, int outWidth, int outHeight, ResampleFilter filter, int channels = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outHeight);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        (InWidth, InHeight, OutWidth, OutHeight, Channels) = (inWidth, inHeight, outWidth, outHeight, channels);
        horizontal = Axis.Create(inWidth, outWidth, filter);
        vertical = Axis.Create(inHeight, outHeight, filter);
        needHorizontal = outWidth != inWidth;
        needVertical = outHeight != inHeight;

        // Only the source rows that some output row uses go through the horizontal pass.
        firstRow = vertical.Bounds[0];
        rowCount = vertical.Bounds[(outHeight - 1) * 2] + vertical.Bounds[((outHeight - 1) * 2) + 1] - firstRow;
        intermediate = needHorizontal && needVertical ? new byte[outWidth * rowCount * channels] : [];
    }

    /// <summary>Source width.</summary>
    public int InWidth { get; }

    /// <summary>Source height.</summary>
    public int InHeight { get; }

    /// <summary>Destination width.</summary>
    public int OutWidth { get; }

    /// <summary>Destination height.</summary>
    public int OutHeight { get; }

    /// <summary>Channels per pixel.</summary>
    public int Channels { get; }

    /// <summary>Resizes one image. Both buffers are tightly packed rows.</summary>
    public void Resize(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var inBytes = InWidth * InHeight * Channels;
        var outBytes = OutWidth * OutHeight * Channels;
        if (source.Length < inBytes || destination.Length < outBytes)
        {
            throw new ArgumentException($"Resize {InWidth}x{InHeight} → {OutWidth}x{OutHeight} needs {inBytes} source and {outBytes} destination bytes.");
        }

        if (!needHorizontal && !needVertical)
        {
            source[..inBytes].CopyTo(destination);
            return;
        }

        if (!needVertical)
        {
            ResampleHorizontal(source, destination, 0, InHeight);
            return;
        }

        if (!needHorizontal)
        {
            ResampleVertical(source, InWidth, rowOffset: 0, destination);
            return;
        }

        ResampleHorizontal(source, intermediate, firstRow, rowCount);
        ResampleVertical(intermediate, OutWidth, rowOffset: firstRow, destination);
    }

    private void ResampleHorizontal(ReadOnlySpan<byte> source, Span<byte> destination, int sourceRow, int rows)
    {
        var ch = Channels;
        var inStride = InWidth * ch;
        var outStride = OutWidth * ch;
        var k = horizontal.Kernel;
        var ksize = horizontal.KernelSize;
        for (var y = 0; y < rows; y++)
        {
            var inRow = source.Slice((sourceRow + y) * inStride, inStride);
            var outRow = destination.Slice(y * outStride, outStride);
            for (var x = 0; x < OutWidth; x++)
            {
                var min = horizontal.Bounds[x * 2];
                var count = horizontal.Bounds[(x * 2) + 1];
                var kernel = k.AsSpan(x * ksize, count);
                for (var c = 0; c < ch; c++)
                {
                    var sum = 1 << (PrecisionBits - 1);
                    for (var i = 0; i < count; i++)
                    {
                        sum += inRow[((min + i) * ch) + c] * kernel[i];
                    }

                    outRow[(x * ch) + c] = Clip8(sum);
                }
            }
        }
    }

    private void ResampleVertical(ReadOnlySpan<byte> source, int width, int rowOffset, Span<byte> destination)
    {
        var ch = Channels;
        var stride = width * ch;
        var k = vertical.Kernel;
        var ksize = vertical.KernelSize;
        for (var y = 0; y < OutHeight; y++)
        {
            var min = vertical.Bounds[y * 2] - rowOffset;
            var count = vertical.Bounds[(y * 2) + 1];
            var kernel = k.AsSpan(y * ksize, count);
            var outRow = destination.Slice(y * stride, stride);
            for (var xc = 0; xc < stride; xc++)
            {
                var sum = 1 << (PrecisionBits - 1);
                for (var i = 0; i < count; i++)
                {
                    sum += source[((min + i) * stride) + xc] * kernel[i];
                }

                outRow[xc] = Clip8(sum);
            }
        }
    }

    private static byte Clip8(int value)
    {
        if (value >= 1 << PrecisionBits << 8)
        {
            return 255;
        }

        return value <= 0 ? (byte)0 : (byte)(value >> PrecisionBits);
    }

    /// <summary>Coefficients of one axis: for each output pixel, the first source pixel, how many, and their weights.</summary>
    private sealed class Axis
    {
        private Axis(int kernelSize, int[] bounds, int[] kernel)
        {
            KernelSize = kernelSize;
            Bounds = bounds;
            Kernel = kernel;
        }

        public int KernelSize { get; }

        public int[] Bounds { get; }

        public int[] Kernel { get; }

        // Pillow's precompute_coeffs and normalize_coeffs_8bpc, step for step: the rounding of the window
        // bounds and of the fixed-point weights is what makes the results identical, not merely close.
        public static Axis Create(int inSize, int outSize, ResampleFilter filter)
        {
            var support0 = filter == ResampleFilter.Bicubic ? 2.0 : 1.0;
            var scale = (double)inSize / outSize;
            var filterScale = Math.Max(scale, 1.0);
            var support = support0 * filterScale;
            var ksize = ((int)Math.Ceiling(support) * 2) + 1;
            var bounds = new int[outSize * 2];
            var kernel = new int[outSize * ksize];
            var weights = new double[ksize];
            for (var xx = 0; xx < outSize; xx++)
            {
                var center = (xx + 0.5) * scale;
                var ss = 1.0 / filterScale;
                var xmin = Math.Max((int)(center - support + 0.5), 0);
                var xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
                var ww = 0.0;
                for (var x = 0; x < xmax; x++)
                {
                    var w = Evaluate(filter, (x + xmin - center + 0.5) * ss);
                    weights[x] = w;
                    ww += w;
                }

                for (var x = 0; x < xmax; x++)
                {
                    var normalised = ww != 0.0 ? weights[x] / ww : weights[x];
                    kernel[(xx * ksize) + x] = normalised < 0
                        ? (int)(-0.5 + (normalised * (1 << PrecisionBits)))
                        : (int)(0.5 + (normalised * (1 << PrecisionBits)));
                }

                bounds[xx * 2] = xmin;
                bounds[(xx * 2) + 1] = Math.Max(xmax, 0);
            }

            return new Axis(ksize, bounds, kernel);
        }

        private static double Evaluate(ResampleFilter filter, double x)
        {
            if (x < 0.0)
            {
                x = -x;
            }

            if (filter == ResampleFilter.Bilinear)
            {
                return x < 1.0 ? 1.0 - x : 0.0;
            }

            const double a = -0.5;
            if (x < 1.0)
            {
                return ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1;
            }

            return x < 2.0 ? ((((x - 5) * x) + 8) * x - 4) * a : 0.0;
        }
    }
}
