namespace EdgeRuntime.Abstractions;

/// <summary>
/// Version of the plugin contract in this assembly. A plugin records the major version it was built against; the
/// host loads plugins from <see cref="OldestSupportedMajor"/> to <see cref="Major"/> and refuses others with the reason.
/// </summary>
public static class ContractVersion
{
    /// <summary>
    /// Incremented on a change that old plugins cannot follow. 2 added task modules (services, requests), loggers and
    /// class sets; every 1.x member is still here with its meaning, so 1.x plugins keep loading.
    /// </summary>
    public const int Major = 2;

    /// <summary>
    /// Incremented when members are added without breaking existing plugins. 1: the grid's shape
    /// (<see cref="Tasks.TileGridInfo"/> columns, rows, stride, overlap), class colours, and the registrar's query
    /// encoder. 2: <see cref="Requests.RequestFields"/>, reading a request's fields with their names and bounds. 3: dense tokens
    /// and the tiles' pixels on <see cref="Embeddings.EmbeddingBatch"/> and what a task needs of the model (<see cref="Tasks.ISlideTask.Needs"/>).
    /// 4: <see cref="Provenance"/>, the one shape of an artefact's id, version and hash in an output.
    /// </summary>
    public const int Minor = 4;

    /// <summary>The oldest major version still loaded: 1 (every 1.x member is unchanged).</summary>
    public const int OldestSupportedMajor = 1;

    /// <summary>The version as text, <c>Major.Minor</c>.</summary>
    public static string Text => $"{Major}.{Minor}";

    /// <summary>Whether a plugin built against <paramref name="major"/> loads.</summary>
    public static bool Supports(int major) => major >= OldestSupportedMajor && major <= Major;
}
