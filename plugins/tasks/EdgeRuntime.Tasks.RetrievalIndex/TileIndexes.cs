using EdgeRuntime.Abstractions.Models;

namespace EdgeRuntime.Tasks.RetrievalIndex;

/// <summary>
/// Every model's index in the task's state folder, <c>{state}/{model id}/{model version}/</c>: a service that lives
/// between slides (searches come at any time) and across plugin versions (the files are the index).
/// </summary>
internal sealed class TileIndexes(string stateDirectory, RetrievalSettings settings) : IAsyncDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<(string Id, string Version), ModelTileIndex> open = [];

    public RetrievalSettings Settings { get; } = settings;

    /// <summary>The index of <paramref name="model"/>, opened (read from its files) on first use: for a model that embeds slides here.</summary>
    public ModelTileIndex For(ModelIdentity model)
    {
        ArgumentNullException.ThrowIfNull(model);
        lock (gate)
        {
            if (!open.TryGetValue((model.Id, model.Version), out var index))
            {
                open[(model.Id, model.Version)] = index = new ModelTileIndex(model, FolderOf(model), Settings);
            }

            return index;
        }
    }

    /// <summary>
    /// The index a request names: opened only for a model with an index folder on disk or the active model, so that
    /// what stays in memory is bounded by what this node has indexed, never by the ids callers send; null for any
    /// other model.
    /// </summary>
    /// <exception cref="ArgumentException">The id or version cannot name a folder.</exception>
    public ModelTileIndex? Find(ModelIdentity model, ModelIdentity? active)
    {
        ArgumentNullException.ThrowIfNull(model);
        lock (gate)
        {
            if (open.TryGetValue((model.Id, model.Version), out var index))
            {
                return index;
            }
        }

        var isActive = active is not null && active.Id == model.Id && active.Version == model.Version;
        return isActive || Directory.Exists(FolderOf(model)) ? For(model) : null;
    }

    /// <summary>The index folder of <paramref name="model"/>, relative to the node's task state folder (for answers, which never show the node's paths).</summary>
    public string RelativeFolderOf(ModelIdentity model) =>
        Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(stateDirectory))!, FolderOf(model));

    /// <summary>The index folder of <paramref name="model"/>.</summary>
    public string FolderOf(ModelIdentity model) => Path.Combine(stateDirectory, Safe(model.Id), Safe(model.Version));

    /// <summary>The models that have an index on disk.</summary>
    public IReadOnlyList<ModelIdentity> Models()
    {
        if (!Directory.Exists(stateDirectory))
        {
            return [];
        }

        return Directory.GetDirectories(stateDirectory)
            .SelectMany(m => Directory.GetDirectories(m).Select(v => new ModelIdentity(Path.GetFileName(m), Path.GetFileName(v), string.Empty)))
            .OrderBy(m => m.Id, StringComparer.Ordinal).ThenBy(m => m.Version, StringComparer.Ordinal)
            .ToList();
    }

    public ValueTask DisposeAsync()
    {
        lock (gate)
        {
            foreach (var index in open.Values)
            {
                index.Dispose();
            }

            open.Clear();
        }

        return ValueTask.CompletedTask;
    }

    // A model id or version names a folder: refuse what would leave the state folder.
    private static string Safe(string name) =>
        name.Length > 0 && name.IndexOfAny(['/', '\\']) < 0 && name != "." && name != ".."
            ? name
            : throw new ArgumentException($"'{name}' cannot name an index folder.");
}
