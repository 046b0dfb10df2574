using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.Prompts;
using EdgeRuntime.Inference.ZeroShot;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Pipeline.Processing;

/// <summary>
/// The model, its image encoder and the zero-shot classifier for the configured prompt set, loaded once and
/// shared by every slide. Loading verifies the package and computes (or reads from cache) the class text embeddings.
/// </summary>
public sealed class ModelRuntime : IDisposable
{
    private ModelRuntime(ModelPackage package, OnnxImageEncoder encoder, PromptSetFile prompts, ZeroShotClassifier classifier)
    {
        Package = package;
        Encoder = encoder;
        Prompts = prompts;
        Classifier = classifier;
    }

    /// <summary>The verified package.</summary>
    public ModelPackage Package { get; }

    /// <summary>The image tower.</summary>
    public OnnxImageEncoder Encoder { get; }

    /// <summary>The prompt set.</summary>
    public PromptSetFile Prompts { get; }

    /// <summary>The classifier over the prompt set's classes.</summary>
    public ZeroShotClassifier Classifier { get; }

    /// <summary>Class names in the prompt set's order.</summary>
    public IReadOnlyList<string> ClassNames => Prompts.Set.Classes.Select(c => c.Name).ToList();

    /// <summary>Loads everything; throws <see cref="ModelPackageException"/> or <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static async Task<ModelRuntime> LoadAsync(string packageDirectory, string promptSetPath, InferenceOptions inference, int batchSize, string textCache, ILogger logger, CancellationToken cancellationToken)
    {
        var package = ModelPackage.Load(packageDirectory, inference, logger);
        try
        {
            var prompts = PromptSetFile.Load(promptSetPath);
            var classes = await new TextEmbeddingCache(textCache).GetAsync(new OnnxTextEncoder(package), prompts, cancellationToken).ConfigureAwait(false);
            var classifier = new ZeroShotClassifier(classes, prompts.Set.Classes.Count, package.Manifest.LogitScale);
            return new ModelRuntime(package, new OnnxImageEncoder(package, batchSize), prompts, classifier);
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
