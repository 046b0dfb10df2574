using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Foundation.Diagnostics;
using EdgeRuntime.Inference.Heads;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.Precision;
using EdgeRuntime.Inference.Prompts;
using EdgeRuntime.Inference.Prototypes;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Engine.Models;

/// <summary>
/// The model, its image encoder and the class embeddings of the profile's prompt sets (the default one, and any a
/// task names for itself), loaded once and shared by every slide. Loading verifies the package and computes (or
/// reads from cache) the class text embeddings, so a swap is refused before it happens if any prompt set is bad.
/// The cell head, when one runs, is loaded with the model and checked against it: a head reads only the tokens of the
/// encoder it was trained on, so it belongs to the model's swap slot, and a slide's one lease holds a model and a head
/// that fit each other; a replaced head's session goes with the model's when the last slide using them ends.
/// </summary>
public sealed class ModelRuntime : IDisposable
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    private readonly IReadOnlyDictionary<string, PromptClasses> taskClasses;
    private readonly IReadOnlyDictionary<string, ClassSet> taskPrototypes;

    private ModelRuntime(ModelPackage package, OnnxImageEncoder encoder, PromptSetFile prompts, PromptClasses classes, IReadOnlyDictionary<string, string> taskPromptSets, IReadOnlyDictionary<string, PromptClasses> taskClasses, IReadOnlyDictionary<string, string> taskPrototypeSets, IReadOnlyDictionary<string, ClassSet> taskPrototypes)
    {
        TaskPrototypeSets = taskPrototypeSets;
        this.taskPrototypes = taskPrototypes;
        Package = package;
        Encoder = encoder;
        Prompts = prompts;
        Classes = classes;
        TaskPromptSets = taskPromptSets;
        this.taskClasses = taskClasses;
    }

    /// <summary>The verified package.</summary>
    public ModelPackage Package { get; }

    /// <summary>The image tower.</summary>
    public OnnxImageEncoder Encoder { get; }

    /// <summary>The int8 copy's background build and gate, when this activation started one (the next adopts it).</summary>
    public Task Int8Build { get; private init; } = Task.CompletedTask;

    /// <summary>The prompt set.</summary>
    public PromptSetFile Prompts { get; }

    /// <summary>The default prompt set's classes with their ensembled text embeddings, as tasks receive them.</summary>
    public PromptClasses Classes { get; }

    /// <summary>The prompt set files tasks named for themselves, by task name (kept for the next swap).</summary>
    public IReadOnlyDictionary<string, string> TaskPromptSets { get; }

    /// <summary>The prototype set files tasks named for themselves, by task name (kept for the next swap).</summary>
    public IReadOnlyDictionary<string, string> TaskPrototypeSets { get; }

    /// <summary>The prototype sets loaded for tasks, by task name.</summary>
    public IReadOnlyDictionary<string, ClassSet> TaskPrototypes => taskPrototypes;

    /// <summary>The prompt classes task <paramref name="taskName"/> works with: its own prompt set's, else the default's.</summary>
    public PromptClasses ClassesFor(string taskName) => taskClasses.TryGetValue(taskName, out var own) ? own : Classes;

    /// <summary>The class set task <paramref name="taskName"/> scores against: its prototype set, else its prompt classes.</summary>
    public ClassSet ClassSetFor(string taskName)
    {
        if (taskPrototypes.TryGetValue(taskName, out var prototypes))
        {
            return prototypes;
        }

        var p = ClassesFor(taskName);
        return new ClassSet(new ClassSource(ClassSource.Prompts, p.PromptSetId, p.PromptSetVersion, p.PromptSetSha256), p.Names, p.Embeddings, p.Dimension, p.LogitScale);
    }

    /// <summary>Loads the model with one prompt set for every task; see the other overload.</summary>
    public static Task<ModelRuntime> LoadAsync(string packageDirectory, string promptSetPath, InferenceOptions inference, int batchSize, string textCache, ILogger logger, CancellationToken cancellationToken) =>
        LoadAsync(packageDirectory, promptSetPath, None, None, inference, batchSize, textCache, logger, cancellationToken);

    /// <summary>Loads everything without a cell head; see the overload with one.</summary>
    public static Task<ModelRuntime> LoadAsync(string packageDirectory, string promptSetPath, IReadOnlyDictionary<string, string> taskPromptSets, IReadOnlyDictionary<string, string> taskPrototypeSets, InferenceOptions inference, int batchSize, string textCache, ILogger logger, CancellationToken cancellationToken) =>
        LoadAsync(packageDirectory, promptSetPath, taskPromptSets, taskPrototypeSets, null, inference, batchSize, textCache, logger, cancellationToken);

    /// <summary>Loads everything; throws <see cref="ModelPackageException"/>, <see cref="CellHeadException"/> or <see cref="InvalidDataException"/> naming what is wrong.</summary>
    /// <param name="packageDirectory">The model package.</param>
    /// <param name="promptSetPath">The default prompt set.</param>
    /// <param name="taskPromptSets">Prompt set files of tasks that name their own, by task name.</param>
    /// <param name="taskPrototypeSets">Prototype set files of tasks that score against labelled examples, by task name.</param>
    /// <param name="cellHead">A cell head package folder for the <c>cells</c> task, or null (or empty) for none.</param>
    /// <param name="inference">Execution providers and threads, for the model's sessions and the head's alike.</param>
    /// <param name="batchSize">Image encoder batch size.</param>
    /// <param name="textCache">Folder of cached class embeddings.</param>
    /// <param name="logger">Where loading reports (provider fallback, say).</param>
    /// <param name="cancellationToken">Stops the text encoding.</param>
    public static async Task<ModelRuntime> LoadAsync(string packageDirectory, string promptSetPath, IReadOnlyDictionary<string, string> taskPromptSets, IReadOnlyDictionary<string, string> taskPrototypeSets, string? cellHead, InferenceOptions inference, int batchSize, string textCache, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(taskPromptSets);
        ArgumentNullException.ThrowIfNull(taskPrototypeSets);
        var package = ModelPackage.Load(packageDirectory, inference, logger);
        CellHead? head = null;
        try
        {
            // Checked against this model first: a head trained on another encoder is refused before anything else loads.
            head = string.IsNullOrWhiteSpace(cellHead) ? null : CellHead.Load(cellHead, package, inference, logger);
            var precision = StartupPhases.Begin("model: precision (float, or the kept int8 copy)");
            var int8Build = await Int8Selection.ApplyAsync(package, inference, Int8Selection.CacheBeside(textCache), logger, cancellationToken).ConfigureAwait(false);
            precision?.Dispose();
            var textEmbeddings = StartupPhases.Begin("model: class text embeddings (cache or text tower)");
            var cache = new TextEmbeddingCache(textCache);
            var prompts = PromptSetFile.Load(promptSetPath);
            var classes = await ClassesAsync(package, prompts, cache, cancellationToken).ConfigureAwait(false);
            var taskClasses = new Dictionary<string, PromptClasses>(StringComparer.Ordinal);
            foreach (var (task, path) in taskPromptSets)
            {
                taskClasses[task] = await ClassesAsync(package, PromptSetFile.Load(path), cache, cancellationToken).ConfigureAwait(false);
            }

            var taskPrototypes = new Dictionary<string, ClassSet>(StringComparer.Ordinal);
            foreach (var (task, path) in taskPrototypeSets)
            {
                taskPrototypes[task] = PrototypeSetFile.Load(path, package.Identity, package.Manifest.EmbeddingSize, package.Manifest.LogitScale);
            }

            textEmbeddings?.Dispose();
            return new ModelRuntime(package, new OnnxImageEncoder(package, batchSize), prompts, classes, taskPromptSets, taskClasses, taskPrototypeSets, taskPrototypes)
            {
                Int8Build = int8Build,
                CellHead = head,
                CellHeadDirectory = head is null ? null : cellHead,
            };
        }
        catch
        {
            head?.Dispose();
            package.Dispose();
            throw;
        }
    }

    private static async Task<PromptClasses> ClassesAsync(ModelPackage package, PromptSetFile prompts, TextEmbeddingCache cache, CancellationToken cancellationToken)
    {
        if (!package.HasTextTower)
        {
            // A vision-only model has no text embeddings for any prompt: no classes. The tasks that would score against
            // them are refused at activation (TaskModelFit) unless a prototype set serves them.
            return new PromptClasses(prompts.Set.Id, prompts.Set.Version, prompts.Sha256, [], ReadOnlyMemory<float>.Empty, package.Manifest.EmbeddingSize, package.Manifest.LogitScale);
        }

        var embeddings = await cache.GetAsync(new OnnxTextEncoder(package), prompts, cancellationToken).ConfigureAwait(false);
        return new PromptClasses(
            prompts.Set.Id, prompts.Set.Version, prompts.Sha256, prompts.Set.Classes.Select(c => c.Name).ToList(), embeddings, package.Manifest.EmbeddingSize, package.Manifest.LogitScale);
    }

    /// <summary>The cell head the <c>cells</c> task runs on this model's tokens, or null when none runs.</summary>
    public CellHead? CellHead { get; private init; }

    /// <summary>The cell head's package folder as it was named (kept for the next swap), or null.</summary>
    public string? CellHeadDirectory { get; private init; }

    /// <summary>Whether the model's sessions have been released.</summary>
    public bool IsDisposed { get; private set; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (IsDisposed)
        {
            return;
        }

        IsDisposed = true;
        CellHead?.Dispose();
        Encoder.Dispose();
        Package.Dispose();
    }
}
