namespace EdgeRuntime.Runtime.Swapping;

/// <summary>
/// The task plugins every slide's embeddings go to, swappable while the service runs: a slide keeps the tasks it
/// started with; a replaced set's load contexts are released when its last slide ends.
/// </summary>
/// <param name="initial">The tasks loaded at start.</param>
public sealed class TaskProvider(SlideTaskSet initial) : Swappable<SlideTaskSet>(initial);
