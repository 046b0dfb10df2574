using System.Text.Json;
using EdgeRuntime.Plugins.Changes;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>
/// <c>edgert plugins activate|deactivate</c> beside a running service: each change is a request the service
/// applies in turn and answers, and the command prints the service's word. Before, the command wrote the active
/// file and printed <c>active:</c> at once, and the service, rewriting the file with what ran after a slow model
/// load, lost a second change made meanwhile.
/// </summary>
public sealed class PluginChangeRequestTests : IAsyncLifetime
{
    private PluginWorkspace w = null!;
    private PluginRequestWatcher service = null!;
    private string config = null!;

    public async Task InitializeAsync()
    {
        w = await PluginWorkspace.CreateAsync();
        service = new PluginRequestWatcher(w.Options, w.Controller, NullLogger<PluginRequestWatcher>.Instance);
        await service.StartAsync(CancellationToken.None);
        config = Path.Combine(w.Options.StateDirectory, "config.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                Plugins = new { w.Options.Root, w.Options.ActiveFile, Tasks = string.Empty },
                Inference = new { ExecutionProviders = new[] { "CPU" } },
                ZeroShot = new { TextEmbeddingCache = Path.Combine(w.Options.StateDirectory, "cache") },
            },
        }));
    }

    public async Task DisposeAsync()
    {
        await service.StopAsync(CancellationToken.None);
        service.Dispose();
        w.Dispose();
    }

    [Fact]
    public void Two_changes_in_a_row_both_take_effect_and_each_command_prints_the_services_word()
    {
        var model = Edgert.Run("plugins", "activate", "models", "tiny-reference", "1.0.1", "--config", config);
        var task = Edgert.Run("plugins", "activate", "tasks", "embedding-summary", "1.0.1", "--config", config);

        Assert.True(model.Code == 0, model.Error);
        Assert.True(task.Code == 0, task.Error);
        Assert.Equal("active: models/tiny-reference/1.0.1", model.Out.Trim());
        Assert.Equal("active: tasks/embedding-summary/1.0.1", task.Out.Trim());

        // The service's state when the commands returned, and the file it keeps: both changes, neither lost.
        Assert.Equal(PluginWorkspace.Model("1.0.1"), w.Controller.Active.Model);
        Assert.Equal([PluginWorkspace.Task("embedding-summary", "1.0.1")], w.Controller.Active.Tasks);
        Assert.Equal("1.0.1", w.Models.Current.Package.Identity.Version);
        var file = ActivePlugins.Read(w.Options.ActiveFile);
        Assert.Equal(PluginWorkspace.Model("1.0.1"), file.Model);
        Assert.Equal([PluginWorkspace.Task("embedding-summary", "1.0.1")], file.Tasks);
    }

    [Fact]
    public void A_change_the_service_refuses_is_printed_with_its_reason_and_exit_1()
    {
        var refused = Edgert.Run("plugins", "deactivate", "tasks", "embedding-summary", "--config", config);

        Assert.Equal(1, refused.Code);
        Assert.Contains("refused by the service: task plugin 'embedding-summary' is not active", refused.Error);
        Assert.Contains(w.Events(), e => e["event"]!.GetValue<string>() == "refused");
    }

    [Fact]
    public void Without_waiting_the_command_says_where_to_follow_the_request_and_the_service_applies_it()
    {
        var queued = Edgert.Run("plugins", "activate", "tasks", "embedding-summary", "1.0.0", "--no-wait", "--config", config);

        Assert.True(queued.Code == 0, queued.Error);
        Assert.StartsWith("queued: request ", queued.Out);
        var outcome = queued.Out.Split(' ').Single(p => p.EndsWith(".outcome.json", StringComparison.Ordinal));
        Assert.True(SpinWait.SpinUntil(() => PluginChangeRequest.Outcome.TryRead(outcome) is not null, TimeSpan.FromSeconds(60)), "no outcome");
        Assert.True(PluginChangeRequest.Outcome.TryRead(outcome)!.Accepted);
        Assert.Equal([PluginWorkspace.Task("embedding-summary", "1.0.0")], w.Controller.Active.Tasks);
    }

    [Fact]
    public void With_no_service_running_the_change_is_written_for_the_next_start()
    {
        service.Dispose(); // releases the state lock, as a stopped service does

        var offline = Edgert.Run("plugins", "activate", "tasks", "embedding-summary", "1.0.0", "--config", config);

        Assert.True(offline.Code == 0, offline.Error);
        Assert.Contains("active: tasks/embedding-summary/1.0.0 (no service runs", offline.Out);
        Assert.Equal([PluginWorkspace.Task("embedding-summary", "1.0.0")], ActivePlugins.Read(w.Options.ActiveFile).Tasks);
    }
}
