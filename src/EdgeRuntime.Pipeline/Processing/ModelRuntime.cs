using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.Prompts;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Pipeline.Processing;

/// <summary>
/// The model, its image encoder and the configured prompt set's class embeddings, loaded once and shared by every
/// slide. Loading verifies the package and computes (or reads from cache) the class text embeddings.
/// </summary>
public sealed class ModelRuntime : IDisposable
{
    private ModelRuntime(ModelPackage package, OnnxImageEncoder encoder, PromptSetFile prompts, PromptClasses classes)
    {
        Package = package;
        Encoder = encoder;
        Prompts = prompts;
        Classes = classes;
    }

    /// <summary>The verified package.</summary>
    public ModelPackage Package { get; }

    /// <summary>The image tower.</summary>
    public OnnxImageEncoder Encoder { get; }

    /// <summary>The prompt set.</summary>
    public PromptSetFile Prompts { get; }

    /// <summary>The prompt set's classes with their ensembled text embeddings, as tasks receive them.</summary>
    public PromptClasses Classes { get; }

    /// <summary>Loads everything; throws <see cref="ModelPackageException"/> or <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static async Task<ModelRuntime> LoadAsync(string packageDirectory, string promptSetPath, InferenceOptions inference, int batchSize, string textCache, ILogger logger, CancellationToken cancellationToken)
    {
        var package = ModelPackage.Load(packageDirectory, inference, logger);
        try
        {
            var prompts = PromptSetFile.Load(promptSetPath);
            var embeddings = await new TextEmbeddingCache(textCache).GetAsync(new OnnxTextEncoder(package), prompts, cancellationToken).ConfigureAwait(false);
            var classes = new PromptClasses(
                prompts.Set.Id, prompts.Set.Version, prompts.Sha256, prompts.Set.Classes.Select(c => c.Name).ToList(), embeddings, package.Manifest.EmbeddingSize, package.Manifest.LogitScale);
            return new ModelRuntime(package, new OnnxImageEncoder(package, batchSize), prompts, classes);
        }
        catch
        {
            package.Dispose();
            throw;
        }
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
