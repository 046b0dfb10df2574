using System.Text.Json.Nodes;
using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.ZeroShot;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Runtime.Swapping;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>
/// A plugins root with the tiny reference model (1.0.0 and a copy labelled 1.0.1), the WSSS4LUAD prompt set and
/// the test task plugins, and a <see cref="PluginController"/> over it with a real journal, as in the service.
/// </summary>
internal sealed class PluginWorkspace : IDisposable
{
    private readonly TempDirectory temp = new();

    private PluginWorkspace()
    {
        Root = temp.File("plugins");
        PluginRoots.InstallTinyModel(Root, "1.0.0");
        PluginRoots.InstallTinyModel(Root, "1.0.1");
        var prompts = Path.Combine(Root, "prompts", "wsss4luad", "1.0.0");
        Directory.CreateDirectory(prompts);
        File.Copy(Path.Combine(TestData.RepoRoot, "plugins", "prompts", "wsss4luad", "1.0.0", "prompts.json"), Path.Combine(prompts, "prompts.json"));
        TaskPlugins.Install(Root, TaskPlugins.EmbeddingSummary, "embedding-summary", "1.0.0");
        TaskPlugins.Install(Root, TaskPlugins.EmbeddingSummary, "embedding-summary", "1.0.1");
        TaskPlugins.Install(Root, TaskPlugins.Refused, "refused", "1.0.0");
        Options = new PluginOptions { Root = Root, ActiveFile = temp.File("state/active-plugins.json") };
        Journal = new SlideJournal(temp.File("journal.db"));
        Processing = new ProcessingOptions { TaskStateDirectory = temp.File("state/tasks") };
    }

    public string Root { get; }

    public PluginOptions Options { get; }

    public SlideJournal Journal { get; }

    public RecordingLogger Log { get; } = new();

    public ModelProvider Models { get; private set; } = null!;

    public TaskProvider Tasks { get; } = new(SlideTaskSet.Empty);

    public ProcessingOptions Processing { get; }

    public PluginController Controller { get; private set; } = null!;

    /// <summary>The workspace; with <paramref name="isolated"/>, every model package is verified in a child edgert first, as edgert does (<c>ModelPackageIsolation</c>).</summary>
    /// <param name="isolated">Verify every model package in a child edgert first.</param>
    /// <param name="family">A family twin (<see cref="FamilyTwins"/>) installed as <c>models/{family}/1.0.0</c> and run in place of the tiny model.</param>
    /// <param name="configuredHead">Writes the configured cell head (<c>Processing:CellHead</c>) given the root, and returns its folder.</param>
    public static async Task<PluginWorkspace> CreateAsync(bool isolated = false, string? family = null, Func<string, string>? configuredHead = null)
    {
        var workspace = new PluginWorkspace();
        var modelDirectory = Path.Combine(workspace.Root, "models", "tiny-reference", "1.0.0");
        if (family is not null)
        {
            modelDirectory = Path.Combine(workspace.Root, "models", family, "1.0.0");
            PluginRoots.CopyDirectory(FamilyTwins.Package(family), modelDirectory);
        }

        workspace.Processing.CellHead = configuredHead?.Invoke(workspace.Root) ?? "";
        var inference = Inference;
        if (isolated)
        {
            inference = new InferenceOptions { ExecutionProviders = ["CPU"], IntraOpThreads = 1 };
            workspace.Options.VerifyModelTimeoutSeconds = 30; // the hanging graph costs this much
            workspace.Options.VerifyModelMemoryMiB = 512;
            global::EdgeRuntime.Plugins.Models.ModelPackageIsolation.Require(inference, workspace.Options);
        }

        var model = await ModelRuntime.LoadAsync(
            modelDirectory,
            Path.Combine(workspace.Root, "prompts", "wsss4luad", "1.0.0", "prompts.json"),
            new Dictionary<string, string>(),
            new Dictionary<string, string>(),
            string.IsNullOrEmpty(workspace.Processing.CellHead) ? null : workspace.Processing.CellHead,
            inference,
            4,
            workspace.temp.File("cache"),
            workspace.Log,
            CancellationToken.None);
        workspace.Models = new ModelProvider(model);
        workspace.Controller = new PluginController(
            workspace.Options, workspace.Models, workspace.Tasks, inference, new EncodingOptions { BatchSize = 4 },
            new ZeroShotOptions { TextEmbeddingCache = workspace.temp.File("cache") }, workspace.Journal, new OutboxSignal(),
            workspace.Processing, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            new Forwarding<PluginController>(workspace.Log));
        return workspace;
    }

    public static InferenceOptions Inference { get; } = new() { ExecutionProviders = ["CPU"], IntraOpThreads = 1 };

    public static PluginRef Model(string version) => new(PluginRef.Models, "tiny-reference", version);

    public static PluginRef Task(string id, string version = "1.0.0") => new(PluginRef.Tasks, id, version);

    /// <summary>The plugin events queued for MQTT, oldest first.</summary>
    public IReadOnlyList<JsonObject> Events() => Journal.PeekOutbox("test", 1000)
        .Where(e => e.Kind is EventKinds.PluginActivated or EventKinds.PluginRefused or EventKinds.PluginAvailable)
        .Select(e => new JsonObject { ["event"] = e.Kind["plugin.".Length..], ["reason"] = e.Data["reason"]?.DeepClone() })
        .ToList();

    public void Dispose()
    {
        Controller?.Dispose();
        Tasks.Dispose();
        Models?.Dispose();
        temp.Dispose();
    }

    private sealed class Forwarding<T>(ILogger inner) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
