using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Plugins.Requests;
using EdgeRuntime.Plugins.Tasks;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Runtime.Swapping;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static EdgeRuntime.Plugins.Tests.ReferenceArithmetic;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>
/// Task contract 2: a module that registers a task, a long-lived service and requests with roles (the test plugin
/// tests/EdgeRuntime.TestTaskPlugins.Module); a contract-1.1 task beside it; class sets from prompts or prototypes.
/// </summary>
public sealed class TaskContractTwoTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public TaskContractTwoTests()
    {
        TaskPlugins.Install(Root, TaskPlugins.Module, "tile-tally", "1.0.0");
        TaskPlugins.Install(Root, TaskPlugins.TestPlugins, "test-tasks", "1.0.0");
        BuiltInPlugins.InstallInto(Root);
    }

    private string Root => temp.File("plugins");

    private string State => temp.File("state/tasks");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_module_registers_its_task_service_and_requests_and_its_service_is_disposed_with_the_version()
    {
        var set = Load("tile-tally/1.0.0");
        Assert.Equal(["tile-tally"], set.Tasks.Select(t => t.Task.Name));
        Assert.Equal(["tasks/tile-tally/count", "tasks/tile-tally/hang", "tasks/tile-tally/reset", "tasks/tile-tally/spin"], set.Requests.Select(r => r.Name).Order());
        Assert.Equal(CallerRole.Admin, set.Requests.Single(r => r.Name.EndsWith("reset", StringComparison.Ordinal)).MinimumRole);
        var disposed = Path.Combine(State, "tile-tally", "disposed.json");
        Assert.False(File.Exists(disposed));

        set.Dispose(); // what a swap does once the version's last slide has ended
        Assert.True(File.Exists(disposed), "the module's service was not disposed with its version");
    }

    [Fact]
    public async Task Requests_are_answered_only_for_callers_with_the_role_they_need()
    {
        using var tasks = new TaskProvider(Load("tile-tally/1.0.0"));
        var dispatcher = new RequestDispatcher(new RequestRegistry(), tasks, new ProcessingOptions { TaskTimeoutSeconds = 1 }, NullLogger<RequestDispatcher>.Instance);
        Task<JsonObject> Ask(string name, CallerRole role, JsonObject? body = null) =>
            dispatcher.DispatchAsync(new Request(name, body ?? [], role, "test", "c"), CancellationToken.None);

        var count = await Ask("tasks/tile-tally/count", CallerRole.ReadOnly);
        Assert.True(count["ok"]!.GetValue<bool>(), count.ToJsonString());
        Assert.Equal(0, count["tiles"]!.GetValue<long>());

        var forbidden = await Ask("tasks/tile-tally/reset", CallerRole.ReadOnly, new JsonObject { ["confirm"] = true });
        Assert.False(forbidden["ok"]!.GetValue<bool>());
        Assert.Equal("tasks/tile-tally/reset needs the admin role; this request came as read-only (test).", forbidden["reason"]!.GetValue<string>());

        var unconfirmed = await Ask("tasks/tile-tally/reset", CallerRole.Admin);
        Assert.False(unconfirmed["ok"]!.GetValue<bool>());
        Assert.Contains("field 'confirm'", unconfirmed["reason"]!.GetValue<string>());
        Assert.True((await Ask("tasks/tile-tally/reset", CallerRole.Admin, new JsonObject { ["confirm"] = true }))["ok"]!.GetValue<bool>());

        var unknown = await Ask("tasks/tile-tally/search", CallerRole.Admin);
        Assert.False(unknown["ok"]!.GetValue<bool>());
        Assert.Contains("unknown request 'tasks/tile-tally/search'; known: tasks/tile-tally/count, tasks/tile-tally/hang, tasks/tile-tally/reset, tasks/tile-tally/spin", unknown["reason"]!.GetValue<string>());

        // A plugin's handler that never answers is refused after the task timeout; the dispatcher goes on.
        var hung = await Ask("tasks/tile-tally/hang", CallerRole.ReadOnly);
        Assert.Equal("tasks/tile-tally/hang did not answer within 1 s (tasks/tile-tally/1.0.0); its work was cancelled.", hung["reason"]!.GetValue<string>());
        Assert.True((await Ask("tasks/tile-tally/count", CallerRole.ReadOnly))["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_request_past_its_deadline_has_its_work_cancelled_not_only_its_answer()
    {
        using var tasks = new TaskProvider(Load("tile-tally/1.0.0"));
        var dispatcher = new RequestDispatcher(new RequestRegistry(), tasks, new ProcessingOptions { TaskTimeoutSeconds = 1 }, NullLogger<RequestDispatcher>.Instance);
        Task<JsonObject> Ask(string name) => dispatcher.DispatchAsync(new Request(name, [], CallerRole.ReadOnly, "test", "c"), CancellationToken.None);

        var spun = await Ask("tasks/tile-tally/spin");
        Assert.Equal("tasks/tile-tally/spin did not answer within 1 s (tasks/tile-tally/1.0.0); its work was cancelled.", spun["reason"]!.GetValue<string>());

        // The handler saw its token cancelled at the deadline and stopped (it would spin for ever on a token that
        // only the service's stop cancels).
        var stopped = 0L;
        for (var i = 0; i < 200 && stopped == 0; i++)
        {
            await Task.Delay(50);
            stopped = (await Ask("tasks/tile-tally/count"))["spinsStopped"]!.GetValue<long>();
        }

        Assert.Equal(1, stopped);
    }

    [Fact]
    public void The_cli_asks_a_task_with_the_role_it_is_given_and_exits_1_when_refused()
    {
        var config = Config(tasks: "tile-tally/1.0.0");
        var (code, stdout, stderr) = Edgert.Run("tasks", "request", "tile-tally", "count", "--role", "read-only", "--config", config);
        Assert.True(code == 0, stderr);
        Assert.True(JsonNode.Parse(stdout)!["ok"]!.GetValue<bool>());

        (code, stdout, stderr) = Edgert.Run("tasks", "request", "tile-tally", "reset", "--role", "read-only", "--body", "{\"confirm\": true}", "--config", config);
        Assert.Equal(1, code);
        Assert.Contains("needs the admin role", stderr);

        (code, stdout, _) = Edgert.Run("tasks", "list", "--config", config);
        Assert.Equal(0, code);
        Assert.Contains("tasks/tile-tally/reset", stdout);
        Assert.Contains("admin", stdout);
    }

    [Fact]
    public void A_contract_1_task_loads_and_runs_beside_a_contract_2_module_on_the_same_slide()
    {
        var (code, stdout, stderr) = Edgert.Run("process", TestData.Slide("CMU-1-Small-Region.svs"), "-m", ReferenceModels.Package(ReferenceModels.Tiny), "--out", temp.File("results"), "--config", Config(tasks: "test-tasks/1.0.0, tile-tally/1.0.0"));
        Assert.True(code == 0, stderr);
        var result = JsonNode.Parse(stdout)!;
        var kept = result["tiles"]!["kept"]!.GetValue<int>();
        var one = result["tasks"]!["contract-one"]!;
        Assert.Equal("ok", one["status"]!.GetValue<string>());
        Assert.Equal(3, one["output"]!["classes"]!.GetValue<int>()); // WSSS4LUAD: tumour, stroma, normal
        Assert.Equal(kept, one["output"]!["tiles"]!.GetValue<int>());
        var tally = result["tasks"]!["tile-tally"]!["output"]!;
        Assert.Equal(kept, tally["tiles"]!.GetValue<int>());
        Assert.Equal("prompts", tally["classSource"]!.GetValue<string>());
        Assert.Equal(["tumor", "stroma", "normal"], tally["classes"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void A_prototype_set_takes_the_prompts_place_and_tagging_scores_tiles_against_it_few_shot()
    {
        // Two prototypes that are not unit length (the loader normalises), a temperature of our own.
        var a = Enumerable.Range(0, 32).Select(i => Math.Sin(i + 1) * 3).ToArray();
        var b = Enumerable.Range(0, 32).Select(i => Math.Cos((2 * i) + 1)).ToArray();
        var prototypes = temp.File("prototypes.json");
        File.WriteAllText(prototypes, JsonSerializer.Serialize(new
        {
            schemaVersion = 1,
            id = "two-prototypes",
            version = "1.0.0",
            modelId = "tiny-reference",
            logitScale = 20.0,
            classes = new[] { new { name = "first", embedding = a, examples = 4 }, new { name = "second", embedding = b, examples = 4 } },
        }));
        var (code, stdout, stderr) = Edgert.Run("process", TestData.Slide("CMU-1-Small-Region.svs"), "-m", ReferenceModels.Package(ReferenceModels.Tiny), "--out", temp.File("results"),
            "--config", Config(tasks: "zero-shot-tagging/1.0.0, features/1.0.0, tile-tally/1.0.0", prototypes: new() { ["zero-shot-tagging"] = prototypes, ["tile-tally"] = prototypes }));
        Assert.True(code == 0, stderr);
        var result = JsonNode.Parse(stdout)!;
        Assert.Equal("prototypes", result["tasks"]!["tile-tally"]!["output"]!["classSource"]!.GetValue<string>());
        var output = result["tasks"]!["zero-shot-tagging"]!["output"]!;
        Assert.Equal("prototypes", output["prompts"]!["kind"]!.GetValue<string>());
        Assert.Equal("two-prototypes", output["prompts"]!["id"]!.GetValue<string>());

        // The arithmetic written out here, on the run's own features as h5py reads them: 20 × cos, softmax.
        var folder = Path.Combine(temp.File("results"), result["slideId"]!.GetValue<string>());
        var dump = temp.File("features.f32");
        ExternalTool.Python("import sys, h5py, numpy as np; np.asarray(h5py.File(sys.argv[1], 'r')['features'], dtype='<f4').tofile(sys.argv[2])", Path.Combine(folder, "features.h5"), dump);
        var bytes = File.ReadAllBytes(dump);
        var features = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, features, 0, bytes.Length);
        var (ua, ub) = (Unit(a), Unit(b));
        using var reader = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(folder, "tiles.csv.gz")), CompressionMode.Decompress));
        Assert.Equal("index,column,row,x,y,width,height,tissue,class,p_first,p_second", reader.ReadLine());
        var rows = 0;
        while (reader.ReadLine() is { } line)
        {
            var cells = line.Split(',');
            var tile = Unit(features.Skip(int.Parse(cells[0], System.Globalization.CultureInfo.InvariantCulture) * 32).Take(32).Select(v => (double)v).ToArray());
            var logits = new[] { 20 * Dot(tile, ua), 20 * Dot(tile, ub) };
            var p0 = 1 / (1 + Math.Exp(logits[1] - logits[0]));
            Assert.Equal(p0, double.Parse(cells[9], System.Globalization.CultureInfo.InvariantCulture), 3);
            rows++;
        }

        Assert.Equal(result["tiles"]!["kept"]!.GetValue<int>(), rows);
    }

    [Fact]
    public void A_prototype_set_made_by_another_model_is_refused_naming_the_file_and_field()
    {
        var prototypes = temp.File("other-model.json");
        File.WriteAllText(prototypes, JsonSerializer.Serialize(new
        {
            schemaVersion = 1,
            id = "other",
            version = "1.0.0",
            modelId = "plip",
            classes = new[] { new { name = "a", embedding = new float[32] }, new { name = "b", embedding = Enumerable.Repeat(1f, 31).ToArray() } },
        }));
        var (code, _, stderr) = Edgert.Run("process", TestData.Image("ihc.png"), "-m", ReferenceModels.Package(ReferenceModels.Tiny), "--out", temp.File("results"), "--config", Config(tasks: "zero-shot-tagging/1.0.0", prototypes: new() { ["zero-shot-tagging"] = prototypes }));
        Assert.Equal(1, code);
        Assert.Contains(prototypes, stderr);
        Assert.Contains("modelId 'plip'", stderr);
        Assert.Contains("classes[0].embedding must be finite and not all zero", stderr);
        Assert.Contains("classes[1].embedding has 31 values", stderr);
    }

    private SlideTaskSet Load(string task) =>
        TaskSetLoader.Load([PluginRef.Parse(task, PluginRef.Tasks)], new PluginOptions { Root = Root }, new TaskHost(NullLoggerFactory.Instance, State, new Dictionary<string, Dictionary<string, string>>()), NullLogger.Instance);

    private string Config(string tasks, Dictionary<string, string>? prototypes = null)
    {
        var config = temp.File($"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                Plugins = new { Root, ActiveFile = temp.File("state/active.json"), Tasks = tasks },
                Processing = new
                {
                    PromptSet = Path.Combine(TestData.RepoRoot, "plugins", "prompts", "wsss4luad", "1.0.0", "prompts.json"),
                    TaskPrototypeSets = prototypes ?? [],
                    TaskStateDirectory = State,
                },
                Inference = new { ExecutionProviders = new[] { "CPU" } },
                ZeroShot = new { TextEmbeddingCache = temp.File("cache") },
            },
        }));
        return config;
    }
}
