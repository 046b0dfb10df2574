using EdgeRuntime.TestSupport;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>Where the plugin projects were built, in the same configuration as these tests, and how to install them under a plugins root.</summary>
internal static class TaskPlugins
{
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/{Configuration}/net10.0

    public static string TestPlugins => Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.TestTaskPlugins", "bin", Configuration, "net10.0", "EdgeRuntime.TestTaskPlugins.dll");

    public static string Refused => Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.TestTaskPlugins.Refused", "bin", Configuration, "net10.0", "EdgeRuntime.TestTaskPlugins.Refused.dll");

    public static string Module => Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.TestTaskPlugins.Module", "bin", Configuration, "net10.0", "EdgeRuntime.TestTaskPlugins.Module.dll");

    public static string EmbeddingSummary => Path.Combine(TestData.RepoRoot, "plugins", "tasks", "EdgeRuntime.Tasks.EmbeddingSummary", "bin", Configuration, "net10.0", "EdgeRuntime.Tasks.EmbeddingSummary.dll");

    /// <summary>A task plugin folder's digest by the shell line docs/plugins.md gives (coreutils, not our code).</summary>
    public static string ShellDigest(string folder) =>
        ExternalTool.Run("/bin/bash", ["-c", "cd \"$1\" && find . -type f -printf '%P\\n' | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum", "digest", folder]).Split(' ')[0];

    /// <summary>Copies a built plugin's output folder to <c>{root}/tasks/{id}/{version}</c>, as an admin would drop it in.</summary>
    public static string Install(string root, string assembly, string id, string version)
    {
        var source = Path.GetDirectoryName(assembly)!;
        var target = Path.Combine(root, "tasks", id, version);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        return Path.Combine(target, Path.GetFileName(assembly));
    }
}
