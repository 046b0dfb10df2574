namespace EdgeRuntime.Abstractions.Tasks;

/// <summary>
/// What a task needs of the active model beyond its image tower (contract 2.3). The host checks it when a model or
/// task is activated (service start-up, <c>plugins activate</c>, a slide command's start), refuses the combination
/// with the reason, and shows it in <c>plugins list</c>, so that no slide fails half-way for want of a tower.
/// </summary>
[Flags]
public enum ModelNeeds
{
    /// <summary>Image embeddings only: features, few-shot prototypes, image-to-image search, dense tasks.</summary>
    None = 0,

    /// <summary>
    /// Class embeddings to score against: the prompt set's, which need the model's text tower, unless a prototype set
    /// serves the task (zero-shot tagging and segmentation).
    /// </summary>
    ClassTexts = 1,

    /// <summary>Encodes text of its own (a text query) with <see cref="SlideTaskContext.TextEncoder"/>: needs a text tower.</summary>
    TextEncoder = 2,
}
