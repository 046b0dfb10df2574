using System.Text.Json;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

public sealed class TaskExecutionTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_throwing_and_a_hanging_task_fail_only_themselves_and_the_others_complete()
    {
        var root = temp.File("plugins");
        TaskPlugins.Install(root, TaskPlugins.TestPlugins, "test-tasks", "1.0.0");
        TaskPlugins.Install(root, TaskPlugins.EmbeddingSummary, "embedding-summary", "1.0.0");
        var config = temp.File("tasks.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                Plugins = new
                {
                    Root = root,
                    ActiveFile = temp.File("state/active.json"),
                    Tasks = "test-tasks/1.0.0, embedding-summary/1.0.0",
                },
                Processing = new { TaskTimeoutSeconds = 2, ModelPackage = ReferenceModels.Package(ReferenceModels.Tiny), TaskStateDirectory = temp.File("state/tasks") },
                Inference = new { ExecutionProviders = new[] { "CPU" } },
                ZeroShot = new { TextEmbeddingCache = temp.File("cache") },
            },
        }));
        var (code, output, error) = Edgert.Run("process", TestData.Slide("CMU-1-Small-Region.svs"), "--out", temp.File("results"), "--config", config);
        Assert.True(code == 0, error);

        using var result = JsonDocument.Parse(output);
        var kept = result.RootElement.GetProperty("tiles").GetProperty("kept").GetInt32();
        var tasks = result.RootElement.GetProperty("tasks");
        Assert.Equal("ok", tasks.GetProperty("counting").GetProperty("status").GetString());
        Assert.Equal(kept, tasks.GetProperty("counting").GetProperty("output").GetProperty("tiles").GetInt32());
        Assert.Equal("failed", tasks.GetProperty("throwing").GetProperty("status").GetString());
        Assert.Contains("this task always fails", tasks.GetProperty("throwing").GetProperty("error").GetString());
        Assert.Equal("failed", tasks.GetProperty("hanging").GetProperty("status").GetString());
        Assert.Contains("timed out after 2 s", tasks.GetProperty("hanging").GetProperty("error").GetString());
        Assert.False(tasks.TryGetProperty("future", out _));
        Assert.Contains("built against contract 99", error);

        // The sample plugin wrote its file beside the result: a unit vector (norm computed here, not by it).
        var summary = tasks.GetProperty("embedding-summary");
        Assert.Equal(kept, summary.GetProperty("output").GetProperty("tiles").GetInt32());
        var id = result.RootElement.GetProperty("slideId").GetString()!;
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.File("results"), id, "slide-embedding.json")));
        var vector = file.RootElement.GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(32, vector.Length); // the tiny model's embedding size
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => v * v)), 6);

        // Provenance names each task's plugin version and its folder digest, as the documented shell line computes it.
        var provenance = result.RootElement.GetProperty("provenance").GetProperty("tasks").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal("embedding-summary", provenance["embedding-summary"].GetProperty("plugin").GetString());
        Assert.Equal("1.0.0", provenance["embedding-summary"].GetProperty("version").GetString());
        Assert.Equal(TaskPlugins.ShellDigest(Path.Combine(root, "tasks", "embedding-summary", "1.0.0")), provenance["embedding-summary"].GetProperty("sha256").GetString());
        Assert.Equal("test-tasks", provenance["counting"].GetProperty("plugin").GetString());

        // State that outlives a slide, and the process: the task's own folder, named by the host, kept between runs.
        Assert.Equal(1, tasks.GetProperty("slide-counter").GetProperty("output").GetProperty("slides").GetInt32());
        var again = Edgert.Run("process", TestData.Image("ihc.png"), "--out", temp.File("results"), "--config", config);
        Assert.True(again.Code == 0, again.Error);
        using var second = JsonDocument.Parse(again.Out);
        var counter = second.RootElement.GetProperty("tasks").GetProperty("slide-counter").GetProperty("output");
        Assert.Equal(2, counter.GetProperty("slides").GetInt32());
        Assert.Equal(Path.Combine(temp.File("state/tasks"), "slide-counter"), counter.GetProperty("state").GetString());
    }
}
