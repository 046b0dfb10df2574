namespace EdgeRuntime.Abstractions.Tasks;

/// <summary>
/// The colour of class <c>i</c> wherever classes are drawn: the host's overlay, a segmentation's label mask and
/// its GeoJSON classifications, so that a person sees one colour per class in every file (added in 2.1).
/// </summary>
public static class ClassColours
{
    // Tableau's ten categorical colours: distinguishable, and kind to common colour blindness.
    private static readonly (byte R, byte G, byte B)[] Palette =
    [
        (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
        (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
    ];

    /// <summary>The colour of class <paramref name="index"/> (repeating after ten).</summary>
    public static (byte R, byte G, byte B) Of(int index) => Palette[index % Palette.Length];
}
