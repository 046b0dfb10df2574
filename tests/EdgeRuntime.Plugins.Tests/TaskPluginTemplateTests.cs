using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>
/// A plugin author's start (docs/plugins.md, "Writing a task plugin"): the guide's listings are the template's files,
/// and the template, built as a newcomer builds it, runs on a real slide through <c>edgert process</c>.
/// </summary>
public sealed partial class TaskPluginTemplateTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static string Template => Path.Combine(TestData.RepoRoot, "plugins", "templates", "task-plugin");

    public static TheoryData<string> Listed() => [.. Listings().Select(l => l.File)];

    [Fact]
    public void The_guide_lists_every_source_file_of_the_template()
    {
        var sources = Directory.GetFiles(Template, "*.cs").Select(f => Path.GetRelativePath(TestData.RepoRoot, f)).Order(StringComparer.Ordinal);
        Assert.Equal(sources, Listings().Select(l => l.File).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Listed))]
    public void The_guide_shows_the_template_file_as_it_is(string file)
    {
        var listing = Listings().Single(l => l.File == file);
        Assert.Equal(File.ReadAllText(Path.Combine(TestData.RepoRoot, file)).ReplaceLineEndings("\n"), listing.Code);
    }

    [Fact]
    public void The_template_built_as_a_newcomer_builds_it_counts_the_tiles_of_a_slide()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/{Configuration}/net10.0
        var built = Path.Combine(Template, "bin", configuration, "net10.0", "EdgeRuntime.Tasks.Template.dll");
        var root = temp.File("plugins");
        TaskPlugins.Install(root, built, "tile-count", "1.0.0");
        var config = temp.File("config.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                Plugins = new { Root = root, ActiveFile = temp.File("state/active.json"), Tasks = "tile-count/1.0.0" },
                Processing = new
                {
                    PromptSet = Path.Combine(TestData.RepoRoot, "plugins", "prompts", "wsss4luad", "1.0.0", "prompts.json"),
                    TaskStateDirectory = temp.File("state/tasks"),
                },
                Inference = new { ExecutionProviders = new[] { "CPU" } },
                ZeroShot = new { TextEmbeddingCache = temp.File("cache") },
            },
        }));

        var (code, stdout, stderr) = Edgert.Run("process", TestData.Slide("CMU-1-Small-Region.svs"), "-m", ReferenceModels.Package(ReferenceModels.Tiny), "--out", temp.File("results"), "--config", config);

        Assert.True(code == 0, stderr);
        var result = JsonNode.Parse(stdout)!;
        var task = result["tasks"]!["tile-count"]!;
        Assert.Equal("ok", task["status"]!.GetValue<string>());
        Assert.Equal(result["tiles"]!["kept"]!.GetValue<int>(), task["output"]!["tiles"]!.GetValue<int>());
        Assert.True(task["output"]!["dimension"]!.GetValue<int>() > 0);
    }

    private static IEnumerable<(string File, string Code)> Listings()
    {
        var guide = File.ReadAllText(Path.Combine(TestData.RepoRoot, "docs", "plugins.md")).ReplaceLineEndings("\n");
        return Listing().Matches(guide).Select(m => (m.Groups["file"].Value, m.Groups["code"].Value));
    }

    [GeneratedRegex(@"<!-- template: (?<file>[^ ]+) -->\n```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Listing();
}
