using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.Engine.Running;

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
