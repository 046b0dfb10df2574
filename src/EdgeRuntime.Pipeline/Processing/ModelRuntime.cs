using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.Prompts;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Pipeline.Processing;

/// <summary>
/// The model, its image encoder and the class embeddings of the profile's prompt sets (the default one, and any a
/// task names for itself), loaded once and shared by every slide. Loading verifies the package and computes (or
/// reads from cache) the class text embeddings, so a swap is refused before it happens if any prompt set is bad.
/// </summary>
public sealed class ModelRuntime : IDisposable
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    private readonly IReadOnlyDictionary<string, PromptClasses> taskClasses;

    private ModelRuntime(ModelPackage package, OnnxImageEncoder encoder, PromptSetFile prompts, PromptClasses classes, IReadOnlyDictionary<string, string> taskPromptSets, IReadOnlyDictionary<string, PromptClasses> taskClasses)
    {
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

    /// <summary>The prompt set.</summary>
    public PromptSetFile Prompts { get; }

    /// <summary>The default prompt set's classes with their ensembled text embeddings, as tasks receive them.</summary>
    public PromptClasses Classes { get; }

    /// <summary>The prompt set files tasks named for themselves, by task name (kept for the next swap).</summary>
    public IReadOnlyDictionary<string, string> TaskPromptSets { get; }

    /// <summary>The classes task <paramref name="taskName"/> works with: its own prompt set's, else the default's.</summary>
    public PromptClasses ClassesFor(string taskName) => taskClasses.TryGetValue(taskName, out var own) ? own : Classes;

    /// <summary>Loads the model with one prompt set for every task; see the other overload.</summary>
    public static Task<ModelRuntime> LoadAsync(string packageDirectory, string promptSetPath, InferenceOptions inference, int batchSize, string textCache, ILogger logger, CancellationToken cancellationToken) =>
        LoadAsync(packageDirectory, promptSetPath, None, inference, batchSize, textCache, logger, cancellationToken);

    /// <summary>Loads everything; throws <see cref="ModelPackageException"/> or <see cref="InvalidDataException"/> naming what is wrong.</summary>
    /// <param name="packageDirectory">The model package.</param>
    /// <param name="promptSetPath">The default prompt set.</param>
    /// <param name="taskPromptSets">Prompt set files of tasks that name their own, by task name.</param>
    /// <param name="inference">Execution providers and threads.</param>
    /// <param name="batchSize">Image encoder batch size.</param>
    /// <param name="textCache">Folder of cached class embeddings.</param>
    /// <param name="logger">Where loading reports (provider fallback, say).</param>
    /// <param name="cancellationToken">Stops the text encoding.</param>
    public static async Task<ModelRuntime> LoadAsync(string packageDirectory, string promptSetPath, IReadOnlyDictionary<string, string> taskPromptSets, InferenceOptions inference, int batchSize, string textCache, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(taskPromptSets);
        var package = ModelPackage.Load(packageDirectory, inference, logger);
        try
        {
            var cache = new TextEmbeddingCache(textCache);
            var prompts = PromptSetFile.Load(promptSetPath);
            var classes = await ClassesAsync(package, prompts, cache, cancellationToken).ConfigureAwait(false);
            var taskClasses = new Dictionary<string, PromptClasses>(StringComparer.Ordinal);
            foreach (var (task, path) in taskPromptSets)
            {
                taskClasses[task] = await ClassesAsync(package, PromptSetFile.Load(path), cache, cancellationToken).ConfigureAwait(false);
            }

            return new ModelRuntime(package, new OnnxImageEncoder(package, batchSize), prompts, classes, taskPromptSets, taskClasses);
        }
        catch
        {
            package.Dispose();
            throw;
        }
    }

    private static async Task<PromptClasses> ClassesAsync(ModelPackage package, PromptSetFile prompts, TextEmbeddingCache cache, CancellationToken cancellationToken)
    {
        var embeddings = await cache.GetAsync(new OnnxTextEncoder(package), prompts, cancellationToken).ConfigureAwait(false);
        return new PromptClasses(
            prompts.Set.Id, prompts.Set.Version, prompts.Sha256, prompts.Set.Classes.Select(c => c.Name).ToList(), embeddings, package.Manifest.EmbeddingSize, package.Manifest.LogitScale);
    }

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
        Encoder.Dispose();
        Package.Dispose();
    }
}
