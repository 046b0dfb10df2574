using System.Text.Json;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// The installed layout: one plugins root beside edgert with the built-in tasks and the shipped prompt sets (from the
/// build) and the reference models (placed by install/place-models.sh, as install/install.sh does).
/// </summary>
public sealed class InstalledLayoutTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void On_the_installed_layout_plugins_list_shows_models_prompts_and_tasks_and_marks_what_runs()
    {
        var tiny = ReferenceModels.Package(ReferenceModels.Tiny);
        var bin = temp.File("bin");
        PluginRoots.CopyDirectory(BuiltInPlugins.Root, Path.Combine(bin, "plugins")); // what the build put beside edgert
        var models = temp.File("models");
        PluginRoots.CopyDirectory(tiny, Path.Combine(models, ReferenceModels.Tiny, ReferenceModels.Version));
        var placed = ExternalTool.Run("/bin/bash", [Path.Combine(TestData.RepoRoot, "install", "place-models.sh"), models, Path.Combine(bin, "plugins")]);
        Assert.Contains(Path.Combine(bin, "plugins", "models", ReferenceModels.Tiny, ReferenceModels.Version), placed);

        var root = Path.Combine(bin, "plugins");
        var config = temp.File("site.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                Plugins = new { Root = root, ActiveFile = temp.File("state/active-plugins.json") },
                Models = new { DefaultPackage = Path.Combine(root, "models", ReferenceModels.Tiny, ReferenceModels.Version) },
                ZeroShot = new { DefaultPromptSet = Path.Combine(root, "prompts", "crc100k", "1.0.0", "prompts.json") },
            },
        }));
        var (code, output, error) = Edgert.Run("plugins", "list", "--config", config);
        Assert.True(code == 0, error);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();
        // A model's row goes on to say what it serves (its kind) and its licence.
        Assert.Contains("vision-language: serves features, few-shot prototypes, linear probe, image search, zero-shot tagging, zero-shot segmentation, text search; licence MIT", rows[0]);
        var lines = rows.Select(l => string.Join(' ', l.Split(' ').Take(l.StartsWith('*') ? 4 : 3))).ToList();
        // Issue 23: tagging, segmentation and the retrieval index run by default; feature extraction when configured.
        Assert.Equal(
            ["* models tiny-reference 1.0.0", "* prompts crc100k 1.0.0", "prompts sicapv2 1.0.0", "prompts wsss4luad 1.0.0", "tasks features 1.0.0", "* tasks retrieval-index 1.0.0", "* tasks zero-shot-segmentation 1.0.0", "* tasks zero-shot-tagging 1.0.0"],
            lines);

        // A second placement leaves what is there.
        Assert.Equal(string.Empty, ExternalTool.Run("/bin/bash", [Path.Combine(TestData.RepoRoot, "install", "place-models.sh"), models, root]).Trim());
    }
}
