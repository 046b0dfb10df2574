using System.Text.Json;
using EdgeRuntime.Cli;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

/// <summary><c>edgert plugins list | activate | deactivate</c> for task plugins, on a plugins root of real built plugins.</summary>
public sealed class PluginCommandTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static (int Code, string Out, string Error) Edgert(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        return (EdgertApp.Run(args, output, error), output.ToString(), error.ToString());
    }

    private string Config()
    {
        var root = temp.File("plugins");
        BuiltInPlugins.InstallInto(root);
        TaskPlugins.Install(root, TaskPlugins.EmbeddingSummary, "embedding-summary", "1.0.0");
        TaskPlugins.Install(root, TaskPlugins.Refused, "refused", "1.0.0");
        var path = temp.File("config.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new { Plugins = new { Root = root, ActiveFile = temp.File("state/active.json") } },
        }));
        return path;
    }

    [Fact]
    public void A_task_is_activated_listed_as_active_and_deactivated()
    {
        var config = Config();
        Assert.Contains("* tasks    zero-shot-tagging", Edgert("plugins", "list", "--config", config).Out); // the configured default

        var activated = Edgert("plugins", "activate", "tasks", "embedding-summary", "1.0.0", "--config", config);
        Assert.True(activated.Code == 0, activated.Error);
        var list = Edgert("plugins", "list", "--config", config).Out;
        Assert.Contains("* tasks    embedding-summary", list);
        Assert.Contains("* tasks    zero-shot-tagging", list);
        Assert.Contains("  tasks    features", list);

        var deactivated = Edgert("plugins", "deactivate", "tasks", "zero-shot-tagging", "--config", config);
        Assert.True(deactivated.Code == 0, deactivated.Error);
        Assert.Contains("  tasks    zero-shot-tagging", Edgert("plugins", "list", "--config", config).Out);
        using var active = JsonDocument.Parse(File.ReadAllText(temp.File("state/active.json")));
        Assert.Equal(["embedding-summary"], active.RootElement.GetProperty("Tasks").EnumerateArray().Select(t => t.GetProperty("Id").GetString()));
    }

    [Fact]
    public void Deactivating_a_model_or_an_inactive_task_and_activating_an_unusable_task_exit_1_with_the_reason()
    {
        var config = Config();
        var model = Edgert("plugins", "deactivate", "models", "tiny-reference", "--config", config);
        Assert.Equal(1, model.Code);
        Assert.Contains("models cannot be deactivated", model.Error);

        var inactive = Edgert("plugins", "deactivate", "tasks", "features", "--config", config);
        Assert.Equal(1, inactive.Code);
        Assert.Contains("task plugin 'features' is not active", inactive.Error);

        var refused = Edgert("plugins", "activate", "tasks", "refused", "1.0.0", "--config", config);
        Assert.Equal(1, refused.Code);
        Assert.Contains("built against contract 2", refused.Error);
        Assert.False(File.Exists(temp.File("state/active.json"))); // nothing written: the service never sees it
    }
}
