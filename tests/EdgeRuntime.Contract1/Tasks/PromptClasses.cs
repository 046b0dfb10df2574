namespace EdgeRuntime.Abstractions.Tasks;

/// <summary>
/// The active prompt set as the model sees it: for each class, the mean of its prompts' text embeddings (prompt
/// ensembling), L2-normalised. A zero-shot score is <c>LogitScale × cos(image, class)</c>.
/// </summary>
/// <param name="PromptSetId">Prompt set id.</param>
/// <param name="PromptSetVersion">Prompt set version.</param>
/// <param name="PromptSetSha256">SHA-256 of the prompt set file.</param>
/// <param name="Names">Class names, in the prompt set's order.</param>
/// <param name="Embeddings">Row-major [classes, <paramref name="Dimension"/>], each row of unit length.</param>
/// <param name="Dimension">Embedding length (the model's).</param>
/// <param name="LogitScale">The model's learned temperature (CLIP's exp(logit_scale)).</param>
public sealed record PromptClasses(string PromptSetId, string PromptSetVersion, string PromptSetSha256, IReadOnlyList<string> Names, ReadOnlyMemory<float> Embeddings, int Dimension, double LogitScale);
