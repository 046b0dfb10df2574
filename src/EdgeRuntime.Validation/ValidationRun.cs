using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Evaluation.Datasets;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Validation.Embedding;

namespace EdgeRuntime.Validation;

/// <summary>
/// One validation resolved from a command line: the host, the dataset, the models to compare, the report folder,
/// the seed and the bootstrap, and the shared embedder.
/// </summary>
/// <param name="Host">Loads models and task plugins and runs the engine.</param>
/// <param name="Dataset">The labelled images (empty for a dataset of another kind: captions, image and mask pairs).</param>
/// <param name="Mapping">Dataset labels to class names.</param>
/// <param name="Split">The split evaluated or tested on; null: every image.</param>
/// <param name="Models">The model packages' folders, in the order their runs are reported.</param>
/// <param name="Output">The report folder.</param>
/// <param name="Seed">Seeds the bootstrap, the draws of examples and the splits.</param>
/// <param name="Resamples">Bootstrap resamples (0: no intervals).</param>
/// <param name="Ordered">The classes are ordered grades (quadratic-weighted kappa too).</param>
/// <param name="Embedder">Embeds images through the engine, with the cache.</param>
public sealed record ValidationRun(IValidationHost Host, TileDataset Dataset, LabelMapping Mapping, string? Split, IReadOnlyList<string> Models, string Output, int Seed, int Resamples, bool Ordered, EngineImageEmbedder Embedder)
{
    /// <summary>The tagging task, whose classes and scorer zero-shot validation uses.</summary>
    public const string TaggingTask = "zero-shot-tagging";

    /// <summary>Image–caption pairs (retrieval), when the dataset is such a CSV.</summary>
    public CaptionDataset? Captions { get; init; }

    /// <summary>The model in <paramref name="modelDirectory"/>; a <paramref name="promptFile"/> replaces the tagging task's prompt set.</summary>
    public Task<ModelRuntime> LoadAsync(string modelDirectory, string? promptFile, CancellationToken cancellationToken) =>
        Host.LoadModelAsync(modelDirectory, promptFile, cancellationToken);

    /// <summary>
    /// The classes zero-shot scoring of <paramref name="task"/> uses: the prompt set's text embeddings, or a prototype
    /// set's. A vision-only model has no text embeddings (its prompt classes are empty), so without a prototype set it is
    /// refused here with the reason, before any image is embedded, rather than failing on the labels.
    /// </summary>
    /// <exception cref="ModelCapabilityException">The model has no text tower and no prototype set serves the task.</exception>
    public static ClassSet ZeroShotClassesOf(ModelRuntime model, string task)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Package.HasTextTower || model.TaskPrototypes.ContainsKey(task)
            ? model.ClassSetFor(task)
            : throw new ModelCapabilityException(
                $"{model.Package.NoTextTower().Message} Evaluate it with few-shot or linear-probe, or give the {task} task a prototype set (EdgeRuntime:Processing:TaskPrototypeSets:{task}).");
    }

    /// <summary>Each image's class index among <paramref name="classes"/>, through the label mapping.</summary>
    public int[] Truth(IReadOnlyList<LabelledImage> images, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(images);
        var index = Mapping.Resolve(images.Select(i => i.Label).Distinct(), classes, Dataset.Source);
        return images.Select(i => index[i.Label]).ToArray();
    }
}
