using System.Security.Cryptography;
using System.Text.Json;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

public sealed class AllowListTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    // What an admin gets from `sha256sum model.json`.
    private static string Sha256Of(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    private string PluginsRoot()
    {
        var root = temp.File("plugins");
        PluginRoots.InstallTinyModel(root, "1.0.0");
        return root;
    }

    private string Config(string root, string[] allowed, string tasks = "")
    {
        var path = temp.File($"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                Plugins = new { Root = root, ActiveFile = temp.File("state/active.json"), AllowedSha256 = allowed, Tasks = tasks },
                Processing = new { ModelPackage = ReferenceModels.Package(ReferenceModels.Tiny) },
                Inference = new { ExecutionProviders = new[] { "CPU" } },
                ZeroShot = new { TextEmbeddingCache = temp.File("cache") },
            },
        }));
        return path;
    }


    [Fact]
    public void A_model_not_on_the_allow_list_is_refused_and_one_on_it_is_activated()
    {
        var root = PluginsRoot();
        var manifest = Path.Combine(root, "models", "tiny-reference", "1.0.0", "model.json");
        var other = new string('0', 64);

        var refused = Edgert.Run("plugins", "activate", "models", "tiny-reference", "1.0.0", "--config", Config(root, [other]));
        Assert.Equal(1, refused.Code);
        Assert.Contains($"SHA-256 {Sha256Of(manifest)} is not in EdgeRuntime:Plugins:AllowedSha256", refused.Error);
        Assert.False(File.Exists(temp.File("state/active.json")));

        var accepted = Edgert.Run("plugins", "activate", "models", "tiny-reference", "1.0.0", "--config", Config(root, [other, Sha256Of(manifest)]));
        Assert.True(accepted.Code == 0, accepted.Error);
        Assert.True(File.Exists(temp.File("state/active.json")));
    }

    [Fact]
    public void A_task_assembly_not_on_the_allow_list_stops_the_command_naming_it()
    {
        var root = PluginsRoot();
        TaskPlugins.Install(root, TaskPlugins.EmbeddingSummary, "embedding-summary", "1.0.0");
        var (code, _, error) = Edgert.Run("process", TestData.Image("ihc.png"), "--out", temp.File("results"), "--config", Config(root, [new string('a', 64)], "embedding-summary/1.0.0"));
        Assert.Equal(1, code);
        Assert.Contains("tasks/embedding-summary/1.0.0", error);
        Assert.Contains($"SHA-256 {TaskPlugins.ShellDigest(Path.Combine(root, "tasks", "embedding-summary", "1.0.0"))} is not in EdgeRuntime:Plugins:AllowedSha256", error);
    }

    [Fact]
    public void An_allowed_task_plugin_runs_and_refuses_once_one_of_its_dependencies_changes()
    {
        var root = PluginsRoot();
        BuiltInPlugins.InstallInto(root);
        var folder = Path.Combine(root, "tasks", "zero-shot-tagging", "1.0.0");
        var allowed = TaskPlugins.ShellDigest(folder);
        var manifest = Sha256Of(Path.Combine(root, "models", "tiny-reference", "1.0.0", "model.json"));
        var config = Config(root, [allowed, manifest], "zero-shot-tagging/1.0.0");

        var listed = Edgert.Run("plugins", "list", "--hashes", "--config", config);
        Assert.EndsWith(allowed, listed.Out.Split('\n').Single(l => l.Contains("zero-shot-tagging", StringComparison.Ordinal)).TrimEnd());

        var ok = Edgert.Run("process", TestData.Image("ihc.png"), "--out", temp.File("results"), "--config", config);
        Assert.True(ok.Code == 0, ok.Error);

        // The task kit beside the plugin's assembly is loaded too: changing it must not slip past the allow-list.
        File.AppendAllText(Path.Combine(folder, "EdgeRuntime.TaskKit.dll"), "\0");
        var refused = Edgert.Run("process", TestData.Image("ihc.png"), "--out", temp.File("results"), "--config", config);
        Assert.Equal(1, refused.Code);
        Assert.Contains("tasks/zero-shot-tagging/1.0.0", refused.Error);
        Assert.Contains("is not in EdgeRuntime:Plugins:AllowedSha256", refused.Error);
    }

    [Fact]
    public void A_malformed_hash_is_a_configuration_error_with_its_key()
    {
        var (code, _, error) = Edgert.Run("plugins", "list", "--config", Config(PluginsRoot(), ["not-a-hash"]));
        Assert.Equal(2, code);
        Assert.Contains("EdgeRuntime:Plugins:AllowedSha256:0 'not-a-hash' is not a SHA-256", error);
    }
}
