namespace EdgeRuntime.Cells;

/// <summary>
/// A decoder head's per-pixel outputs for one tile, row-major: the nucleus probability, then either a distance map
/// (each nucleus 1 at its centre falling to 0 at its edge, CellViT's and "Mind the Gap"'s target) or HoVer-Net's
/// horizontal and vertical maps (each pixel's offset from its nucleus's centre, −1 … 1 across the nucleus), and
/// optionally class probabilities (classes × height × width, planar).
/// </summary>
public sealed class CellMaps
{
    /// <summary>Checks the sizes; exactly one of <paramref name="distance"/> and the pair (<paramref name="horizontal"/>, <paramref name="vertical"/>).</summary>
    public CellMaps(int width, int height, float[] foreground, float[]? distance, float[]? horizontal, float[]? vertical, float[]? classProbabilities, int classes)
    {
        ArgumentNullException.ThrowIfNull(foreground);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var n = width * height;
        if (foreground.Length != n)
        {
            throw new ArgumentException($"the nucleus map has {foreground.Length} values for {width}x{height} pixels.", nameof(foreground));
        }

        if ((distance is null) == (horizontal is null || vertical is null) || (horizontal is null) != (vertical is null))
        {
            throw new ArgumentException("give either a distance map or both horizontal and vertical maps.");
        }

        foreach (var (map, name) in new[] { (distance, "distance"), (horizontal, "horizontal"), (vertical, "vertical") })
        {
            if (map is not null && map.Length != n)
            {
                throw new ArgumentException($"the {name} map has {map.Length} values for {width}x{height} pixels.");
            }
        }

        if (classProbabilities is not null && (classes < 1 || classProbabilities.Length != (long)classes * n))
        {
            throw new ArgumentException($"class probabilities: {classProbabilities.Length} values for {classes} classes of {width}x{height} pixels.", nameof(classProbabilities));
        }

        (Width, Height, Foreground, Distance, Horizontal, Vertical, ClassProbabilities, Classes) = (width, height, foreground, distance, horizontal, vertical, classProbabilities, classProbabilities is null ? 0 : classes);
    }

    /// <summary>Pixels per row.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Nucleus probability per pixel.</summary>
    public float[] Foreground { get; }

    /// <summary>Normalised distance to the nucleus edge, or null.</summary>
    public float[]? Distance { get; }

    /// <summary>HoVer-Net's horizontal map, or null.</summary>
    public float[]? Horizontal { get; }

    /// <summary>HoVer-Net's vertical map, or null.</summary>
    public float[]? Vertical { get; }

    /// <summary>Class probabilities, planar, or null.</summary>
    public float[]? ClassProbabilities { get; }

    /// <summary>Number of classes (0 without class probabilities).</summary>
    public int Classes { get; }
}
