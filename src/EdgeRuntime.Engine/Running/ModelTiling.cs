using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Tiling.Grid;

namespace EdgeRuntime.Engine.Running;

/// <summary>The grid a model sees: its own µm/px and tile size; overlap, tissue share and edge tiles from configuration.</summary>
internal static class ModelTiling
{
    /// <summary>Tiling options for <paramref name="manifest"/>; <paramref name="targetOverride"/> (a person's explicit µm/px) wins.</summary>
    public static TilingOptions For(ModelManifest manifest, TilingOptions configured, double? targetOverride = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(configured);
        return new TilingOptions
        {
            TargetMicronsPerPixel = targetOverride ?? manifest.Tiling.TargetMicronsPerPixel,
            TileSize = manifest.Tiling.TileSize,
            Overlap = configured.Overlap,
            MinTissueFraction = configured.MinTissueFraction,
            IncludeEdgeTiles = configured.IncludeEdgeTiles,
            WholeImageMaxSide = configured.WholeImageMaxSide,
        };
    }
}
