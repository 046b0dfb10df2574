using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.Pipeline.Processing;

/// <summary>A task and the exact plugin version it came from, for the result's provenance.</summary>
/// <param name="Task">The task.</param>
/// <param name="Plugin">Plugin id (its folder under <c>tasks/</c>).</param>
/// <param name="Version">Plugin version.</param>
/// <param name="Sha256">Digest of the plugin's folder (every file, dependencies included; see the plugins docs).</param>
public sealed record SlideTaskEntry(ISlideTask Task, string Plugin, string Version, string Sha256)
{
    /// <summary>What a result or the catalogue records of this task: name, plugin, version, hash and, when given, its class set.</summary>
    public System.Text.Json.Nodes.JsonObject ToProvenanceJson(ClassSource? classSet = null)
    {
        var entry = new System.Text.Json.Nodes.JsonObject { ["name"] = Task.Name, ["plugin"] = Plugin, ["version"] = Version, ["sha256"] = Sha256 };
        if (classSet is not null)
        {
            entry["classSet"] = classSet.ToProvenance().ToJson();
        }

        return entry;
    }
}

/// <summary>
/// The tasks run on a slide, with whatever holds them (their load contexts), released together when the set is
/// disposed.
/// </summary>
public sealed class SlideTaskSet : IDisposable
{
    private readonly IDisposable? owner;

    /// <summary>A set of <paramref name="tasks"/> and the requests their plugins answer; disposing it disposes <paramref name="owner"/>.</summary>
    public SlideTaskSet(IReadOnlyList<SlideTaskEntry> tasks, IReadOnlyList<RegisteredRequest> requests, IDisposable? owner)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(requests);
        Tasks = tasks;
        Requests = requests;
        this.owner = owner;
    }

    /// <summary>No tasks.</summary>
    public static SlideTaskSet Empty => new([], [], null);

    /// <summary>The requests the set's plugins answer, by full name (<c>tasks/{task}/{request}</c>).</summary>
    public IReadOnlyList<RegisteredRequest> Requests { get; private set; }

    /// <summary>The tasks, in the order their outputs appear in the result.</summary>
    public IReadOnlyList<SlideTaskEntry> Tasks { get; private set; }

    /// <summary>Whether the set has been released.</summary>
    public bool IsDisposed { get; private set; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (IsDisposed)
        {
            return;
        }

        IsDisposed = true;
        Requests = [];
        Tasks = []; // so that nothing still holding the set keeps the plugins' types, and their contexts, alive
        owner?.Dispose();
    }
}
