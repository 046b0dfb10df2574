using System.Text.Json;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

/// <summary><c>edgert plugins list | activate | deactivate</c> for task plugins, on a plugins root of real built plugins.</summary>
public sealed class PluginCommandTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();


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
        Assert.Contains("* tasks    zero-shot-tagging", Edgert.Run("plugins", "list", "--config", config).Out); // the configured default

        var activated = Edgert.Run("plugins", "activate", "tasks", "embedding-summary", "1.0.0", "--config", config);
        Assert.True(activated.Code == 0, activated.Error);
        var list = Edgert.Run("plugins", "list", "--config", config).Out;
        Assert.Contains("* tasks    embedding-summary", list);
        Assert.Contains("* tasks    zero-shot-tagging", list);
        Assert.Contains("  tasks    features", list);

        var deactivated = Edgert.Run("plugins", "deactivate", "tasks", "zero-shot-tagging", "--config", config);
        Assert.True(deactivated.Code == 0, deactivated.Error);
        Assert.Contains("  tasks    zero-shot-tagging", Edgert.Run("plugins", "list", "--config", config).Out);
        using var active = JsonDocument.Parse(File.ReadAllText(temp.File("state/active.json")));
        Assert.Equal(["embedding-summary"], active.RootElement.GetProperty("Tasks").EnumerateArray().Select(t => t.GetProperty("Id").GetString()));
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
}
