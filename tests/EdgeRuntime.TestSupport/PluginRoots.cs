using System.Text.Json.Nodes;

namespace EdgeRuntime.TestSupport;

/// <summary>Plugins roots for tests, put together as an admin would: folders copied in, versions labelled.</summary>
public static class PluginRoots
{
    /// <summary>Copies every file below <paramref name="source"/> to the same place below <paramref name="target"/>.</summary>
    public static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }

    /// <summary>
    /// The tiny reference model as <c>{root}/models/tiny-reference/{version}</c> (or directly below
    /// <paramref name="parent"/>), with that version in its manifest: the same graphs, another version.
    /// </summary>
    public static string InstallTinyModel(string root, string version, string? parent = null)
    {
        var target = Path.Combine(parent ?? Path.Combine(root, "models", ReferenceModels.Tiny), version);
        CopyDirectory(ReferenceModels.Package(ReferenceModels.Tiny), target);
        var manifest = Path.Combine(target, "model.json");
        var json = JsonNode.Parse(File.ReadAllText(manifest))!;
        json["version"] = version;
        File.WriteAllText(manifest, json.ToJsonString());
        return target;
    }

    /// <summary>A shipped prompt set, copied to <c>{root}/prompts/{id}</c>.</summary>
    public static void InstallPrompts(string root, string id) =>
        CopyDirectory(Path.Combine(TestData.RepoRoot, "plugins", "prompts", id), Path.Combine(root, "prompts", id));
}
