using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.Prompts;
using EdgeRuntime.Pipeline.Processing;
using EdgeRuntime.TaskKit.ZeroShot;

namespace EdgeRuntime.Cli.Commands;

/// <summary>A model's classifier for one prompt set: class text embeddings from the cache or the text tower.</summary>
internal static class ZeroShotSetup
{
    public static PromptSetFile LoadPrompts(FileInfo? explicitFile, EdgertSettings settings)
    {
        return PromptSetFile.Load(explicitFile?.FullName ?? settings.PromptSetPath);
    }

    /// <summary>
    /// Tiles pooled per class for a slide's tags: the zero-shot tagging task's own setting
    /// (<c>Processing:TaskSettings:zero-shot-tagging:TopK</c>), so that `edgert tag` and the service agree.
    /// </summary>
    public static int TopK(EdgertSettings settings)
    {
        const int Default = 10; // MI-Zero's; the task plugin has the same default
        if (!settings.Processing.TaskSettings.TryGetValue("zero-shot-tagging", out var task) || !task.TryGetValue("TopK", out var text))
        {
            return Default;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var k) && k >= 1
            ? k
            : throw new SettingsException([$"{ProcessingOptions.Section}:{nameof(ProcessingOptions.TaskSettings)}:zero-shot-tagging:TopK must be a whole number of at least 1 (is '{text}')."]);
    }

    public static async Task<ZeroShotClassifier> ClassifierAsync(ModelPackage package, PromptSetFile prompts, EdgertSettings settings, CancellationToken cancellationToken)
    {
        var cache = new TextEmbeddingCache(settings.ZeroShot.TextEmbeddingCache);
        var classes = await cache.GetAsync(new OnnxTextEncoder(package), prompts, cancellationToken);
        return new ZeroShotClassifier(classes, prompts.Set.Classes.Count, package.Manifest.LogitScale);
    }
}
