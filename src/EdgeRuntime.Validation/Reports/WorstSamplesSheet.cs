using System.Globalization;
using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Reports;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Validation.Reports;

/// <summary>
/// The most confidently misclassified samples of a run as a contact sheet PNG, each tile (or slide) read by the
/// service's own reader and captioned with its file, its true and predicted class and the confidence.
/// </summary>
internal static class WorstSamplesSheet
{
    /// <summary>How many of the worst a report shows.</summary>
    public const int Count = 16;

    private const int ThumbnailSide = 160;

    /// <summary>Writes the sheet; returns the samples drawn, worst first (none: no sheet written).</summary>
    public static IReadOnlyList<JsonObject> Write(SlideReadingOptions reading, JsonArray rows, string path, string title)
    {
        var worst = SampleRows.WorstMisclassified(rows, Count);
        if (worst.Count == 0)
        {
            return worst;
        }

        var opener = new SlideOpener(reading);
        var cells = worst.Select(row =>
        {
            var file = row["path"]!.GetValue<string>();
            IReadOnlyList<string> lines =
            [
                Path.GetFileName(file),
                $"true {row["truth"]!.GetValue<string>()}",
                string.Create(CultureInfo.InvariantCulture, $"called {row["prediction"]!.GetValue<string>()} ({row["confidence"]!.GetValue<double>():0.000})"),
            ];
            return (Read(opener, file), lines);
        }).ToList();
        AtomicFile.Write(path, ContactSheet.Png(title, cells));
        return worst;
    }

    // A file that no longer reads is drawn as a grey cell; the rows still name it.
    private static Thumbnail? Read(SlideOpener opener, string file)
    {
        try
        {
            using var slide = opener.Open(file);
            var (width, height) = SlideDownsampler.FitLongSide(slide.Info.Width, slide.Info.Height, ThumbnailSide);
            var image = SlideDownsampler.Read(slide, width, height);
            return new Thumbnail(image.Width, image.Height, image.Span.ToArray());
        }
        catch (SlideException)
        {
            return null;
        }
    }
}
