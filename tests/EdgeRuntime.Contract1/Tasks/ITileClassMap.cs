namespace EdgeRuntime.Abstractions.Tasks;

/// <summary>
/// Implemented by a task run that gives every tile a class (zero-shot tagging, segmentation). After the run
/// completes, the host draws the map over the slide's thumbnail (<c>overlay.png</c>), so that tasks need no
/// image library. The first active task that implements it draws the overlay.
/// </summary>
public interface ITileClassMap
{
    /// <summary>Class names; a tile's class is an index into them.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>The class of tile <paramref name="tileIndex"/>, or -1 if the task gave it none.</summary>
    int ClassOf(int tileIndex);
}
