using EdgeRuntime.TestSupport;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>Where the plugin projects were built, in the same configuration as these tests.</summary>
internal static class TaskPlugins
{
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/{Configuration}/net10.0

    public static string TestPlugins => Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.TestTaskPlugins", "bin", Configuration, "net10.0", "EdgeRuntime.TestTaskPlugins.dll");

    public static string EmbeddingSummary => Path.Combine(TestData.RepoRoot, "plugins", "tasks", "EdgeRuntime.Tasks.EmbeddingSummary", "bin", Configuration, "net10.0", "EdgeRuntime.Tasks.EmbeddingSummary.dll");
}
