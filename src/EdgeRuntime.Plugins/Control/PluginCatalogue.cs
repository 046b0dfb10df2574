using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Runtime.Swapping;

namespace EdgeRuntime.Plugins.Control;

/// <summary>
/// What runs and what could: the <c>plugins list</c> answer and the <c>plugins.active</c> event's content, and the
/// version of a kind and id that runs now. Reads the running model and task set; changes nothing.
/// </summary>
internal sealed class PluginCatalogue(PluginOptions options, ModelProvider models, TaskProvider tasks, ProcessingOptions processing)
{
    /// <summary>The catalogue under the plugins root, with what runs now in <paramref name="now"/>.</summary>
    public JsonObject Describe(ActivePlugins now)
    {
        var running = models.Current;
        var isActive = ActiveSet(now);
        var versions = new JsonArray();
        foreach (var plugin in PluginCatalog.Scan(options.Root))
        {
            versions.Add(new JsonObject { ["kind"] = plugin.Kind, ["id"] = plugin.Id, ["version"] = plugin.Version, ["active"] = isActive.Contains(plugin) });
        }

        return new JsonObject
        {
            ["active"] = new JsonObject
            {
                ["model"] = running.Package.Identity.ToProvenance().ToJson(),
                ["prompts"] = running.Prompts.ToProvenance().ToJson(),
                ["tasks"] = new JsonArray(tasks.Current.Tasks.Select(t => (JsonNode)t.ToProvenanceJson()).ToArray()),
                ["prototypes"] = new JsonArray(running.TaskPrototypes.OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => (JsonNode)TaskPrototypes(p.Key, p.Value.Source)).ToArray()),
                ["head"] = running.CellHead?.Identity.ToProvenance().ToJson(),
            },
            ["versions"] = versions,
        };
    }

    /// <summary>
    /// The version of <paramref name="kind"/>/<paramref name="id"/> that runs in <paramref name="now"/>, or null if
    /// none does. A model or prompt set configured outside the plugins root counts under the id and version its
    /// manifest gives.
    /// </summary>
    public string? ActiveVersion(ActivePlugins now, string kind, string id)
    {
        var running = models.Current;
        return kind switch
        {
            PluginRef.Models => now.Model is { } m ? (m.Id == id ? m.Version : null) : running.Package.Identity.Id == id ? running.Package.Identity.Version : null,
            PluginRef.Prompts => now.Prompts is { } p ? (p.Id == id ? p.Version : null) : running.Prompts.Set.Id == id ? running.Prompts.Set.Version : null,
            PluginRef.Heads => (now.Head ?? RunningHead(running))?.Id == id ? (now.Head ?? RunningHead(running))!.Version : null,
            PluginRef.Prototypes => PrototypeRefs(now).Where(p => p.Id == id).Select(p => p.Version).Order(PluginVersion.Comparer).LastOrDefault(),
            _ => now.TasksOr(options.ConfiguredTasks).FirstOrDefault(t => t.Id == id)?.Version,
        };
    }

    /// <summary>The prototype set plugins that serve tasks in <paramref name="now"/>: the active file's, and configured files that lie under the plugins root.</summary>
    public IEnumerable<PluginRef> PrototypeRefs(ActivePlugins now) =>
        ActivePlugins.Serving(now.PrototypeFiles(processing.TaskPrototypeSets, options.Root), options.Root).Select(g => g.Key);

    /// <summary>The tasks that versions of prototype set <paramref name="id"/> serve in <paramref name="now"/>.</summary>
    public List<string> TasksServedBy(ActivePlugins now, string id) =>
        ActivePlugins.TasksServedBy(now.PrototypeFiles(processing.TaskPrototypeSets, options.Root), options.Root, id);

    // The exact versions that run (a model or prompt set configured outside the root is never a catalogue entry).
    // A new kind adds what of it runs here and its line in ActiveVersion.
    private HashSet<PluginRef> ActiveSet(ActivePlugins now)
    {
        var running = models.Current;
        var active = new HashSet<PluginRef>(now.TasksOr(options.ConfiguredTasks));
        active.UnionWith(PrototypeRefs(now));
        foreach (var single in new[] { now.Model ?? PluginRef.Under(options.Root, running.Package.Directory), now.Prompts ?? PluginRef.Under(options.Root, running.Prompts.Path), now.Head ?? RunningHead(running) })
        {
            if (single is not null)
            {
                active.Add(single);
            }
        }

        return active;
    }

    // The configured head, when it lies in the root as heads/{id}/{version}: a plugin version like any other.
    private PluginRef? RunningHead(ModelRuntime running) =>
        running.CellHeadDirectory is { } directory && PluginRef.Under(options.Root, directory) is { Kind: PluginRef.Heads } head ? head : null;

    // A task's prototype set in the catalogue: the task it serves, then the set's id, version and hash.
    private static JsonObject TaskPrototypes(string task, ClassSource source)
    {
        var entry = (source.ToProvenance() with { Kind = null }).ToJson();
        entry.Insert(0, "task", task);
        return entry;
    }
}
