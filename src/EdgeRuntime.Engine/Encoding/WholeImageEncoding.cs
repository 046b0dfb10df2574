using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Inference.Preprocessing;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Tiling.Grid;

namespace EdgeRuntime.Engine.Encoding;

/// <summary>
/// Encodes a plain image taken whole (<see cref="Tiling.SlideTiler"/>'s one-tile plan) through the model's own
/// transform, once: the file's pixels, resized and centre-cropped by the model's preprocessing straight to its input
/// size. A tile of a slide is cut at the tile size and then given the model's transform; doing that to a patch would
/// resample it twice (a square crop scaled to the tile size, then to the input size), which is not how the patch's
/// dataset was classified, and differs most for non-square patches and models whose input is not the tile size.
/// </summary>
internal static class WholeImageEncoding
{
    /// <summary>Encodes the one tile of <paramref name="grid"/> from the whole of <paramref name="slide"/> and hands its embedding to <paramref name="consume"/>.</summary>
    /// <param name="slideId">The image's id.</param>
    /// <param name="slide">The plain image.</param>
    /// <param name="grid">Its one-tile grid (the tile's box is where the model looks).</param>
    /// <param name="preprocessing">The model's preprocessing, whose geometry cuts the image.</param>
    /// <param name="encoder">The model's image encoder.</param>
    /// <param name="turns">The encoder's turns, shared with other slides in flight; null when this is its only user.</param>
    /// <param name="consume">Receives the embedding.</param>
    /// <param name="progress">Told 0 of 1, then 1 of 1.</param>
    /// <param name="cancellationToken">Stops it.</param>
    /// <exception cref="EdgeRuntime.Slides.SlideReadException">The image's pixels could not be read.</exception>
    public static async Task RunAsync(
        string slideId,
        ISlide slide,
        TileGrid grid,
        ClipImagePreprocessor preprocessing,
        IImageEncoder encoder,
        EncoderTurns? turns,
        Func<EmbeddingBatch, CancellationToken, ValueTask> consume,
        IProgress<EncodingProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slide);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(preprocessing);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(consume);
        if (grid.Tiles.Count != 1)
        {
            throw new ArgumentException($"A whole image is one tile; the grid has {grid.Tiles.Count}.", nameof(grid));
        }

        progress?.Report(new EncodingProgress(0, 1));
        var (width, height) = ((int)slide.Info.Width, (int)slide.Info.Height);
        var rgb = new byte[(long)width * height * 3];
        slide.ReadRegion(0, 0, 0, width, height, rgb);
        // The square the model's geometry leaves before its last crop (Prov-GigaPath's 256 for 224): the encoder's own
        // transform then only crops it, so the image is resampled once.
        var size = preprocessing.CropSize;
        var pixels = new byte[size * size * 3];
        preprocessing.Crop(rgb, width, height, pixels);
        var batch = new TileBatch(slideId, [grid.Tiles[0]], size, pixels);
        var place = turns?.Join() ?? 0;
        using (turns is null ? null : await turns.TakeAsync(place, cancellationToken).ConfigureAwait(false))
        {
            var embeddings = await encoder.EncodeAsync(batch, cancellationToken).ConfigureAwait(false);
            await consume(embeddings, cancellationToken).ConfigureAwait(false);
        }

        progress?.Report(new EncodingProgress(1, 1));
    }
}
