using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.Prompts;
using EdgeRuntime.Inference.ZeroShot;

namespace EdgeRuntime.Cli.Commands;

/// <summary>A model's classifier for one prompt set: class text embeddings from the cache or the text tower.</summary>
internal static class ZeroShotSetup
{
    public static PromptSetFile LoadPrompts(FileInfo? explicitFile, EdgertSettings settings)
    {
        return PromptSetFile.Load(explicitFile?.FullName ?? settings.PromptSetPath);
    }

    public static async Task<ZeroShotClassifier> ClassifierAsync(ModelPackage package, PromptSetFile prompts, EdgertSettings settings, CancellationToken cancellationToken)
    {
        var cache = new TextEmbeddingCache(settings.ZeroShot.TextEmbeddingCache);
        var classes = await cache.GetAsync(new OnnxTextEncoder(package), prompts, cancellationToken);
        return new ZeroShotClassifier(classes, prompts.Set.Classes.Count, package.Manifest.LogitScale);
    }
}
