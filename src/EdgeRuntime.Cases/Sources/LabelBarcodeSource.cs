using System.Text.RegularExpressions;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Cases.Sources;

/// <summary>
/// Identifiers from the barcode printed on the slide's label: the associated image EdgeRuntime:Cases:LabelImage
/// (OpenSlide's <c>label</c>) decoded by <see cref="LabelBarcodeDecoder"/>; its text split by
/// EdgeRuntime:Cases:BarcodePattern, or taken whole as the <c>slide</c> identifier.
/// </summary>
internal sealed class LabelBarcodeSource(LabelBarcodeDecoder decoder, string labelImage, long maxPixels, Regex? pattern) : ICaseSource
{
    public string Name => CaseSources.LabelBarcode;

    public IEnumerable<CaseIdentifier> Read(string path, ISlide slide, ICollection<string> problems)
    {
        var label = slide.Info.AssociatedImages.FirstOrDefault(a => a.Name == labelImage);
        if (label is null)
        {
            return [];
        }

        if (label.Width * label.Height > maxPixels)
        {
            problems.Add($"{Name}: the '{labelImage}' image is {label.Width}x{label.Height} pixels, more than EdgeRuntime:Cases:MaxLabelPixels ({maxPixels}); not decoded.");
            return [];
        }

        Slides.Pixels.RgbImage image;
        try
        {
            image = slide.ReadAssociatedImage(labelImage);
        }
        catch (SlideException e)
        {
            problems.Add($"{Name}: the '{labelImage}' image cannot be read: {e.Message}");
            return [];
        }

        if (decoder.Decode(image) is not { } barcode)
        {
            problems.Add($"{Name}: no barcode found on the '{labelImage}' image.");
            return [];
        }

        var from = $"{barcode.Format} on the '{labelImage}' image";
        return pattern is null
            ? [.. PatternIdentifiers.Checked(CaseIdentifierNames.Slide, barcode.Text, Name, from, problems)]
            : PatternIdentifiers.Of(pattern, barcode.Text, Name, from, $"the barcode '{barcode.Text}'", problems);
    }
}
