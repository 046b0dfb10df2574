using EdgeRuntime.Abstractions.Models;

namespace EdgeRuntime.Abstractions.Tasks;

/// <summary>What the host gives a task for one slide.</summary>
/// <param name="SlideId">The slide's stable id.</param>
/// <param name="Model">The model whose embeddings the task will receive.</param>
/// <param name="TextEncoder">The same model's text tower, for tasks that work from prompts.</param>
/// <param name="OutputDirectory">Folder where the task may write files beside the result.</param>
public sealed record SlideTaskContext(string SlideId, ModelIdentity Model, ITextEncoder TextEncoder, string OutputDirectory);
