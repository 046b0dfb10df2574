using System.Text.Json.Nodes;

namespace EdgeRuntime.Inference.Tests.Packages;

/// <summary>Copies of real packages that a test may damage, and edits of their manifests.</summary>
internal static class PackageCopies
{
    /// <summary>Copies every file of <paramref name="source"/> into <paramref name="target"/>; returns the target.</summary>
    public static string Copy(string source, string target)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    /// <summary>Rewrites <paramref name="package"/>'s model.json after <paramref name="edit"/> (its hash in files is not touched).</summary>
    public static void EditManifest(string package, Action<JsonObject> edit)
    {
        var path = Path.Combine(package, "model.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }
}
