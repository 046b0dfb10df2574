using System.Text.Json;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

/// <summary><c>edgert plugins list | activate | deactivate</c> for task plugins, on a plugins root of real built plugins.</summary>
public sealed class PluginCommandTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary><c>plugins list</c>'s lines with the padding between columns squeezed to one space.</summary>
    internal static string Listing(string config)
    {
        var list = Edgert.Run("plugins", "list", "--config", config);
        Assert.True(list.Code == 0, list.Error);
        return string.Join('\n', list.Out.Split('\n').Select(l => l.Length > 2 ? l[..2] + System.Text.RegularExpressions.Regex.Replace(l[2..], " +", " ") : l));
    }

    private string Config(string? tasks = null)
    {
        var root = temp.File("plugins");
        BuiltInPlugins.InstallInto(root);
        TaskPlugins.Install(root, TaskPlugins.EmbeddingSummary, "embedding-summary", "1.0.0");
        TaskPlugins.Install(root, TaskPlugins.Refused, "refused", "1.0.0");
        var path = temp.File("config.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new { Plugins = tasks is null ? (object)new { Root = root, ActiveFile = temp.File("state/active.json") } : new { Root = root, ActiveFile = temp.File("state/active.json"), Tasks = tasks } },
        }));
        return path;
    }

    [Fact]
    public void A_task_is_activated_listed_as_active_and_deactivated()
    {
        var config = Config();
        Assert.Contains("* tasks zero-shot-tagging", Listing(config)); // the configured default

        var activated = Edgert.Run("plugins", "activate", "tasks", "embedding-summary", "1.0.0", "--config", config);
        Assert.True(activated.Code == 0, activated.Error);
        var list = Listing(config);
        Assert.Contains("* tasks embedding-summary", list);
        Assert.Contains("* tasks zero-shot-tagging", list);
        Assert.Contains("  tasks features", list);

        var deactivated = Edgert.Run("plugins", "deactivate", "tasks", "zero-shot-tagging", "--config", config);
        Assert.True(deactivated.Code == 0, deactivated.Error);
        Assert.Contains("  tasks zero-shot-tagging", Listing(config));
        using var active = JsonDocument.Parse(File.ReadAllText(temp.File("state/active.json")));
        // The defaults (issue 23: tagging, segmentation, the retrieval index) less tagging, plus the one activated.
        Assert.Equal(["zero-shot-segmentation", "retrieval-index", "embedding-summary"], active.RootElement.GetProperty("Tasks").EnumerateArray().Select(t => t.GetProperty("Id").GetString()));
    }

    [Fact]
    public void A_prototype_set_is_activated_for_a_task_checked_against_the_model_listed_with_its_task_and_deactivated()
    {
        var root = temp.File("plugins");
        BuiltInPlugins.InstallInto(root);
        var path = temp.File("config.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                Plugins = new { Root = root, ActiveFile = temp.File("state/active.json") },
                Processing = new { ModelPackage = ReferenceModels.Package(ReferenceModels.Tiny) },
            },
        }));

        // Two classes as the tiny reference model's 32-wide embeddings; 2.0.0 is 48 wide, as another model's would be.
        void Write(string version, int width) => PrototypeFile(root, version, ReferenceModels.Tiny, width);
        Write("1.0.0", 32);
        Write("2.0.0", 48);

        var unbound = Edgert.Run("plugins", "activate", "prototypes", "lab", "1.0.0", "--config", path);
        Assert.Equal(1, unbound.Code);
        Assert.Contains("prototypes/lab/1.0.0: name the task(s) it serves", unbound.Error);

        var activated = Edgert.Run("plugins", "activate", "prototypes", "lab", "1.0.0", "--task", "zero-shot-tagging", "--config", path);
        Assert.True(activated.Code == 0, activated.Error);
        Assert.Contains("active: prototypes/lab/1.0.0 for zero-shot-tagging", activated.Out);
        var list = Listing(path);
        Assert.Contains("* prototypes lab", list);
        Assert.Contains("for zero-shot-tagging", list);

        var wide = Edgert.Run("plugins", "activate", "prototypes", "lab", "2.0.0", "--config", path);
        Assert.Equal(1, wide.Code);
        Assert.Contains("classes[0].embedding has 48 values; the model's embeddings have 32.", wide.Error);
        using (var active = JsonDocument.Parse(File.ReadAllText(temp.File("state/active.json"))))
        {
            Assert.Equal("1.0.0", active.RootElement.GetProperty("Prototypes").GetProperty("zero-shot-tagging").GetProperty("Version").GetString()); // the refusal changed nothing
        }

        var deactivated = Edgert.Run("plugins", "deactivate", "prototypes", "lab", "--config", path);
        Assert.True(deactivated.Code == 0, deactivated.Error);
        Assert.Contains("  prototypes lab", Listing(path));
        var again = Edgert.Run("plugins", "deactivate", "prototypes", "lab", "--config", path);
        Assert.Equal(1, again.Code);
        Assert.Contains("prototype set 'lab' is not active", again.Error);
    }

    private static void PrototypeFile(string root, string version, string modelId, int width)
    {
        var folder = Path.Combine(root, "prototypes", "lab", version);
        Directory.CreateDirectory(folder);
        var classes = new[] { "tumor", "stroma" }.Select((name, c) => new { name, embedding = Enumerable.Range(0, width).Select(i => i % 2 == c ? 1f : 0f).ToArray() });
        File.WriteAllText(Path.Combine(folder, "prototypes.json"), JsonSerializer.Serialize(new { schemaVersion = 1, id = "lab", version, modelId, classes }));
    }

    [Fact]
    public void Deactivating_a_model_or_an_inactive_task_and_activating_an_unusable_task_exit_1_with_the_reason()
    {
        var config = Config();
        var model = Edgert.Run("plugins", "deactivate", "models", "tiny-reference", "--config", config);
        Assert.Equal(1, model.Code);
        Assert.Contains("models cannot be deactivated", model.Error);

        var inactive = Edgert.Run("plugins", "deactivate", "tasks", "features", "--config", config);
        Assert.Equal(1, inactive.Code);
        Assert.Contains("task plugin 'features' is not active", inactive.Error);

        var refused = Edgert.Run("plugins", "activate", "tasks", "refused", "1.0.0", "--config", config);
        Assert.Equal(1, refused.Code);
        Assert.Contains("built against contract 3", refused.Error);
        Assert.False(File.Exists(temp.File("state/active.json"))); // nothing written: the service never sees it
    }

    [Fact]
    public void A_site_file_replaces_the_default_tasks_whole_and_a_malformed_entry_is_a_configuration_error()
    {
        var none = Edgert.Run("plugins", "list", "--config", Config(tasks: ""));
        Assert.True(none.Code == 0, none.Error);
        Assert.DoesNotContain("* tasks", none.Out); // the default zero-shot-tagging is gone, not merged

        var bad = Edgert.Run("plugins", "list", "--config", Config(tasks: "features/1.0.0, zero-shot-tagging"));
        Assert.Equal(2, bad.Code);
        Assert.Contains("EdgeRuntime:Plugins:Tasks: 'zero-shot-tagging' is not id/version", bad.Error);
    }

    [Fact]
    public void List_columns_line_up_for_every_kind_and_any_length_of_id_or_version()
    {
        var config = Config();
        var root = temp.File("plugins");
        PrototypeFile(root, "1.0.0", ReferenceModels.Tiny, 32);
        TaskPlugins.Install(root, TaskPlugins.EmbeddingSummary, "a-task-id-longer-than-twenty-eight-characters", "1.0.0-rc.1+build.20261207");

        var list = Edgert.Run("plugins", "list", "--config", config);
        Assert.True(list.Code == 0, list.Error);
        var lines = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l[2..].StartsWith("prototypes", StringComparison.Ordinal));
        var columns = lines.Select(line =>
        {
            var fields = line[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var id = line.IndexOf(" " + fields[1] + " ", 2, StringComparison.Ordinal) + 1;
            return (Id: id, Version: line.IndexOf(fields[2], id + fields[1].Length, StringComparison.Ordinal));
        }).ToList();
        Assert.Single(columns.Select(c => c.Id).Distinct());
        Assert.Single(columns.Select(c => c.Version).Distinct());
    }

    [Fact]
    public void A_refused_version_is_listed_with_its_reason_and_embed_passes_over_it()
    {
        var config = Config();
        var root = temp.File("plugins");
        BrokenTaskPlugins.Install(root, "bad-il", "features", "1.0.1"); // the field report: features 1.0.1 refused by the service

        var refused = Edgert.Run("plugins", "activate", "tasks", "features", "1.0.1", "--config", config);
        Assert.Equal(1, refused.Code);
        Assert.Contains("Bad IL format", refused.Error);
        var lines = Listing(config).Split('\n');
        var bad = Assert.Single(lines, l => l.Contains("tasks features 1.0.1", StringComparison.Ordinal));
        Assert.Contains("refused: ", bad);
        Assert.Contains("Bad IL format", bad);
        Assert.DoesNotContain("refused", Assert.Single(lines, l => l.Contains("tasks features 1.0.0", StringComparison.Ordinal)));

        // embed does not ask for 1.0.1: it runs on 1.0.0 and says what it passed over.
        var settings = temp.File("embed.json");
        File.WriteAllText(settings, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                Plugins = new { Root = root, ActiveFile = temp.File("state/active.json") },
                ZeroShot = new { TextEmbeddingCache = temp.File("cache") },
                Inference = new { ExecutionProviders = new[] { "CPU" } },
            },
        }));
        var embed = Edgert.Run("embed", TestData.Image("ihc.png"), "-m", ReferenceModels.Package(ReferenceModels.Tiny), "-o", temp.File("f.h5"), "--config", settings);
        Assert.True(embed.Code == 0, embed.Error);
        Assert.True(File.Exists(temp.File("f.h5")));
        Assert.Contains("tasks/features/1.0.1", embed.Error);
    }
}
