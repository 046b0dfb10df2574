using EdgeRuntime.Slides.Pixels;
using ZXing;
using ZXing.Common;

namespace EdgeRuntime.Cases;

/// <summary>A barcode read from an image: its text and symbology (ZXing's name, such as DATA_MATRIX).</summary>
/// <param name="Text">The decoded text.</param>
/// <param name="Format">The symbology.</param>
public sealed record LabelBarcode(string Text, string Format);

/// <summary>
/// Decodes the barcode on a slide label with ZXing.Net: the symbologies configured, trying harder, rotated (labels
/// are scanned sideways as often as not) and inverted (light print on a dark label).
/// </summary>
public sealed class LabelBarcodeDecoder(IReadOnlyList<BarcodeFormat> formats)
{
    /// <summary>The barcode on <paramref name="image"/>, or null when none is found.</summary>
    public LabelBarcode? Decode(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var reader = new BarcodeReaderGeneric
        {
            AutoRotate = true,
            Options = new DecodingOptions { PossibleFormats = [.. formats], TryHarder = true, TryInverted = true },
        };
        var source = new RGBLuminanceSource(image.Pixels, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGB24);
        var result = reader.Decode(source);
        return result is null || string.IsNullOrEmpty(result.Text) ? null : new LabelBarcode(result.Text, result.BarcodeFormat.ToString());
    }
}
