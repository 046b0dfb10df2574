namespace EdgeRuntime.Evaluation.Cells;

/// <summary>
/// One image's nuclei: an instance map (0 background, any positive id one nucleus) and a class map (0 none, k the
/// k-th class), row-major, <paramref name="Width"/> × <paramref name="Height"/>.
/// </summary>
/// <param name="Name">The sample's name in reports (a folder name, or an array index).</param>
/// <param name="Width">Pixels per row.</param>
/// <param name="Height">Rows.</param>
/// <param name="InstanceMap">Instance id per pixel.</param>
/// <param name="ClassMap">Class per pixel; an instance's class is the most frequent one among its pixels.</param>
public sealed record CellSample(string Name, int Width, int Height, int[] InstanceMap, int[] ClassMap);
