using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Pipeline.Encoding;
using EdgeRuntime.Pipeline.Processing;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Tiling;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;

namespace EdgeRuntime.Cli.Commands;

/// <summary>
/// Runs a model's image tower over an input: a whole-slide image is tiled at the model's resolution and
/// streamed through the pipeline; a plain image (PNG, JPEG, TIFF) is one tile, preprocessed whole.
/// </summary>
internal static class SlideEncoding
{
    public static bool IsPlainImage(ISlide slide) => !slide.Info.Reader.StartsWith("OpenSlide", StringComparison.Ordinal);

    /// <summary>Encodes the input; returns the tiles (in grid order) and the plan used (null for a plain image).</summary>
    public static async Task<(IReadOnlyList<TileRef> Tiles, TilingPlan? Plan, TileReader? Reader)> RunAsync(
        ISlide slide,
        ModelPackage package,
        EdgertSettings settings,
        double? targetOverride,
        Func<EmbeddingBatch, CancellationToken, ValueTask> consume,
        IProgress<EncodingProgress>? progress,
        CancellationToken cancellationToken)
    {
        using var encoder = new OnnxImageEncoder(package, settings.Pipeline.BatchSize);
        if (IsPlainImage(slide))
        {
            var (w, h) = ((int)slide.Info.Width, (int)slide.Info.Height);
            var rgb = new byte[w * h * 3];
            slide.ReadRegion(0, 0, 0, w, h, rgb);
            var embedding = encoder.EncodeImage(rgb, w, h);
            TileRef[] whole = [new TileRef(0, 0, 0, new TileBox(0, 0, w, h), 1.0)];
            await consume(new EmbeddingBatch(slide.Info.FilePath, whole, embedding.Length, embedding), cancellationToken);
            progress?.Report(new EncodingProgress(1, 1));
            return (whole, null, null);
        }

        var tiling = ModelTiling.For(package.Manifest, settings.Tiling, targetOverride);
        var plan = new SlideTiler(new SaturationTissueDetector(settings.Tissue), new TileGridBuilder(tiling)).Plan(slide);
        await new SlideEncodingPipeline(settings.Pipeline).RunAsync(slide.Info.FilePath, slide, plan.Grid, encoder, consume, progress, cancellationToken);
        return (plan.Grid.Tiles, plan, new TileReader(slide, plan.Grid));
    }
}
