using EdgeRuntime.Evaluation.Datasets;
using EdgeRuntime.Evaluation.Reports;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Evaluation.Tests;

/// <summary>
/// Cross-modal Recall@K on a caption CSV whose captions repeat: identical texts are one query (hit: any image they
/// describe) and one candidate. Embeddings are 2-D so that every ranking is worked out by hand below.
/// </summary>
public sealed class DuplicateCaptionRetrievalTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Identical_captions_are_one_query_that_any_image_they_describe_answers()
    {
        // Four rows, two texts: "tumour" describes i0 and i1; "stroma" describes i2 (its row given twice).
        foreach (var image in new[] { "i0.png", "i1.png", "i2.png" })
        {
            File.WriteAllBytes(temp.File(image), [0]);
        }

        var csv = temp.File("captions.csv");
        File.WriteAllLines(csv, ["image,caption", "i0.png,tumour", "i1.png,tumour", "i2.png,stroma", "i2.png,stroma"]);
        var pairs = CaptionDataset.Load(csv);
        Assert.Equal(["tumour", "stroma"], pairs.Texts);
        Assert.Equal(2, pairs.DuplicateCaptions);

        // i0 = (1, 0), i1 = (0, 1), i2 = (0.6, 0.8); tumour = (1, 0.2)/|·| = (0.981, 0.196), stroma = (0, 1).
        float[][] images = [[1, 0], [0, 1], [0.6f, 0.8f]];
        var norm = MathF.Sqrt(1.04f);
        var byText = new Dictionary<string, float[]> { ["tumour"] = [1 / norm, 0.2f / norm], ["stroma"] = [0, 1] };
        var report = RetrievalReport.CrossModal(images, pairs.Texts.Select(t => byText[t]).ToList(), pairs.ImagesOfText, pairs.Captions.Count, [1, 2], seed: 0, resamples: 0);

        // Text → image. tumour scores i0 0.981, i2 (0.6 + 0.16)/1.020 = 0.745, i1 0.196: first i0, which it
        // describes → hit at 1. stroma scores i1 1, i2 0.8, i0 0: first i1, not its image; i2 second → hit at 2.
        // R@1 = 1/2, R@2 = 2/2. (Row by row, the old way: the two tumour rows share one ranking, so the i1 row
        // misses, and both stroma rows miss at 1: R@1 = 1/4.)
        Assert.Equal(0.5, report["textToImage"]!["recall@1"]!["value"]!.GetValue<double>(), 12);
        Assert.Equal(1.0, report["textToImage"]!["recall@2"]!["value"]!.GetValue<double>(), 12);
        // Chance at 1: tumour has 2 relevant of 3 images (2/3), stroma 1 of 3 (1/3); mean 1/2.
        Assert.Equal(0.5, report["textToImage"]!["recall@1"]!["chance"]!.GetValue<double>(), 12);

        // Image → text over the two texts. i0: tumour 0.981 > stroma 0 → tumour, its caption: hit. i1: stroma 1 >
        // tumour 0.196 → stroma, not its caption: miss (hit at 2). i2: stroma 0.8 > tumour 0.745 → stroma: hit.
        // R@1 = 2/3; chance at 1: one relevant of two candidates for each, 1/2.
        Assert.Equal(2 / 3.0, report["imageToText"]!["recall@1"]!["value"]!.GetValue<double>(), 12);
        Assert.Equal(1.0, report["imageToText"]!["recall@2"]!["value"]!.GetValue<double>(), 12);
        Assert.Equal(0.5, report["imageToText"]!["recall@1"]!["chance"]!.GetValue<double>(), 12);

        Assert.Equal(4, report["captions"]!.GetValue<int>());
        Assert.Equal(2, report["distinctCaptions"]!.GetValue<int>());
        Assert.Equal(2, report["duplicateCaptions"]!.GetValue<int>());
        Assert.Contains("identical captions are one query", report["scoring"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_duplicates_each_caption_is_its_own_query_and_finds_only_its_image()
    {
        foreach (var image in new[] { "i0.png", "i1.png" })
        {
            File.WriteAllBytes(temp.File(image), [0]);
        }

        var csv = temp.File("unique.csv");
        File.WriteAllLines(csv, ["image,caption", "i0.png,a", "i1.png,b", "i1.png,c"]);
        var pairs = CaptionDataset.Load(csv);
        Assert.Equal(0, pairs.DuplicateCaptions);
        // a = (1, 0) → i0 first: hit. b = (0, 1) → i1: hit. c = (1, 0) → i0 first, but c describes i1: miss. R@1 = 2/3.
        float[][] images = [[1, 0], [0, 1]];
        float[][] texts = [[1, 0], [0, 1], [1, 0]];
        var report = RetrievalReport.CrossModal(images, texts, pairs.ImagesOfText, pairs.Captions.Count, [1], seed: 0, resamples: 0);
        Assert.Equal(2 / 3.0, report["textToImage"]!["recall@1"]!["value"]!.GetValue<double>(), 12);
        // Chance: one relevant of two images each, 1/2.
        Assert.Equal(0.5, report["textToImage"]!["recall@1"]!["chance"]!.GetValue<double>(), 12);
    }
}
