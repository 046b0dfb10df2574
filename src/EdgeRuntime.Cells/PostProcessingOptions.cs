namespace EdgeRuntime.Cells;

/// <summary>The parameters of <see cref="CellPostProcessing"/>, which a head's manifest names.</summary>
/// <param name="ForegroundThreshold">A pixel is nucleus where its probability exceeds this (HoVer-Net: 0.5).</param>
/// <param name="MarkerDistance">Distance maps: markers are the nucleus pixels whose distance exceeds this.</param>
/// <param name="EdgeThreshold">HV maps: pixels whose normalised gradient reaches this are edges, not markers (HoVer-Net: 0.4).</param>
/// <param name="MinimumArea">Nuclei and markers smaller than this many pixels are dropped (HoVer-Net: 10).</param>
/// <param name="ClassSplitArea">With class probabilities: a nucleus holding single-class parts of two or more classes, each of at least this many pixels, is split into them; 0: never.</param>
public sealed record PostProcessingOptions(float ForegroundThreshold = 0.5f, float MarkerDistance = 0.5f, float EdgeThreshold = 0.4f, int MinimumArea = 10, int ClassSplitArea = 0);
