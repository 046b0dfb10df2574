using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeRuntime.TestSupport;

/// <summary>
/// An <c>edgert</c> configuration file for the texture test model: its package and prompt set as the defaults, CPU,
/// no tissue detection (a texture slide is all "tissue"), the named tasks, and every folder inside a temp folder.
/// </summary>
public static class TestModelConfig
{
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>Writes the configuration to <paramref name="name"/> in <paramref name="temp"/> and returns its path.</summary>
    /// <param name="temp">Where the file, the text-embedding cache and the active-plugins file go.</param>
    /// <param name="name">The file name, unique per configuration in a test.</param>
    /// <param name="tasks">The task plugins, as <c>Plugins:Tasks</c> takes them.</param>
    /// <param name="processing">The <c>Processing</c> section, or null for the defaults.</param>
    /// <param name="tiling">The <c>Tiling</c> section, or null for the defaults.</param>
    public static string Write(TempDirectory temp, string name, string tasks, object? processing = null, object? tiling = null)
    {
        ArgumentNullException.ThrowIfNull(temp);
        var path = temp.File(name);
        File.WriteAllText(path, JsonSerializer.Serialize(
            new
            {
                EdgeRuntime = new
                {
                    ZeroShot = new { TextEmbeddingCache = temp.File("cache"), DefaultPromptSet = TestModel.PromptSet },
                    Inference = new { ExecutionProviders = new[] { "CPU" } },
                    Models = new { DefaultPackage = TestModel.Package },
                    Tissue = new { Detector = "none" },
                    Tiling = tiling,
                    Plugins = new { Tasks = tasks, ActiveFile = temp.File("active.json") },
                    Processing = processing,
                },
            },
            Options));
        return path;
    }
}
