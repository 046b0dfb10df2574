namespace EdgeRuntime.Evaluation.Datasets;

/// <summary>One labelled image of a dataset: its file, its label as the dataset names it, and its split if given.</summary>
/// <param name="Path">The image file.</param>
/// <param name="Label">The dataset's label.</param>
/// <param name="Split">"train", "test", ... or null when the dataset has no splits.</param>
public sealed record LabelledImage(string Path, string Label, string? Split);
