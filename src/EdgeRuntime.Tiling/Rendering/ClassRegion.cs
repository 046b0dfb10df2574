namespace EdgeRuntime.Tiling.Rendering;

/// <summary>A level-0 rectangle (a tile or a class-map cell) and the class drawn on it (-1: none).</summary>
public readonly record struct ClassRegion(double X, double Y, double Width, double Height, int Class);
