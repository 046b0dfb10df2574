namespace EdgeRuntime.Slides.Reading;

/// <summary>
/// A slide that can read a level at 1/2, 1/4 or 1/8 of its resolution for less than a full read: JPEG's DCT
/// decodes only the coefficients the smaller size needs. Readers that cannot simply do not implement it.
/// </summary>
public interface IScaledRegionReader
{
    /// <summary>
    /// The largest denominator (1, 2, 4 or 8), at most <paramref name="maxDenominator"/>, at which
    /// <paramref name="level"/> can be read scaled; 1 when it cannot (or the configuration keeps full scale).
    /// </summary>
    int ScaleDenominatorFor(int level, int maxDenominator);

    /// <summary>
    /// Reads <paramref name="width"/> × <paramref name="height"/> pixels of <paramref name="level"/> decoded at
    /// 1/<paramref name="denominator"/>, whose top-left corner is (<paramref name="x"/>, <paramref name="y"/>) in
    /// level-0 coordinates, as interleaved RGB; areas outside the slide read as white.
    /// </summary>
    /// <exception cref="SlideReadException">The file's pixels could not be decoded; the message names the file.</exception>
    void ReadRegionScaled(int level, long x, long y, int width, int height, int denominator, Span<byte> rgb);
}
