using EdgeRuntime.Abstractions.Tiles;
using PureHDF;

namespace EdgeRuntime.TaskKit.Features;

/// <summary>
/// Writes tile embeddings as CLAM and TRIDENT do, so that slide-level models (ABMIL, CLAM, TITAN-style)
/// read them unchanged: an HDF5 file with <c>features</c> [N, D] float32 and <c>coords</c> [N, 2] int64
/// (level-0 x, y of each tile's top-left corner), row i of one belonging to row i of the other.
/// </summary>
public static class FeatureFile
{
    /// <summary>Describes how the features were made; written as HDF5 attributes.</summary>
    /// <param name="TileSize">Tile side in pixels as the model saw it.</param>
    /// <param name="TileSizeLevel0">Tile side in level-0 pixels.</param>
    /// <param name="Level">Pyramid level the tiles were read from.</param>
    /// <param name="MicronsPerPixel">µm/px of the tiles as the model saw them.</param>
    /// <param name="ModelId">Model id.</param>
    /// <param name="ModelVersion">Model version.</param>
    /// <param name="ModelSha256">Hash of the model's manifest.</param>
    /// <param name="SlideFile">The slide the tiles came from.</param>
    public sealed record Attributes(int TileSize, long TileSizeLevel0, int Level, double MicronsPerPixel, string ModelId, string ModelVersion, string ModelSha256, string SlideFile);

    /// <summary>Writes <paramref name="tiles"/> and their <paramref name="features"/> (row-major [N, D]) to <paramref name="stream"/> (readable and seekable, as PureHDF needs).</summary>
    public static void Write(Stream stream, IReadOnlyList<TileRef> tiles, float[] features, int dimension, Attributes attributes)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(attributes);
        if (features.Length != tiles.Count * dimension)
        {
            throw new ArgumentException($"{tiles.Count} tiles of {dimension} features need {tiles.Count * dimension} values, got {features.Length}.", nameof(features));
        }

        var featureMatrix = new float[tiles.Count, dimension];
        Buffer.BlockCopy(features, 0, featureMatrix, 0, features.Length * sizeof(float));
        var coords = new long[tiles.Count, 2];
        for (var i = 0; i < tiles.Count; i++)
        {
            coords[i, 0] = tiles[i].Box.X;
            coords[i, 1] = tiles[i].Box.Y;
        }

        var coordsDataset = new H5Dataset(coords);
        coordsDataset.Attributes["patch_size"] = attributes.TileSize;
        coordsDataset.Attributes["patch_size_level0"] = attributes.TileSizeLevel0;
        coordsDataset.Attributes["patch_level"] = attributes.Level;
        var file = new H5File
        {
            ["features"] = new H5Dataset(featureMatrix),
            ["coords"] = coordsDataset,
        };
        file.Attributes["tile_size"] = attributes.TileSize;
        file.Attributes["tile_size_level0"] = attributes.TileSizeLevel0;
        file.Attributes["level"] = attributes.Level;
        file.Attributes["mpp"] = attributes.MicronsPerPixel;
        file.Attributes["model_id"] = attributes.ModelId;
        file.Attributes["model_version"] = attributes.ModelVersion;
        file.Attributes["model_sha256"] = attributes.ModelSha256;
        file.Attributes["slide"] = attributes.SlideFile;

        file.Write(stream);
    }
}
