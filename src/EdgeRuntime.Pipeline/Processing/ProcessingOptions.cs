namespace EdgeRuntime.Pipeline.Processing;

/// <summary>What the service runs on every slide, and where results go. Bound from <c>EdgeRuntime:Processing</c>.</summary>
public sealed class ProcessingOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Processing";

    /// <summary>Model package folder; empty (the default) uses <c>EdgeRuntime:Models:DefaultPackage</c>.</summary>
    public string ModelPackage { get; set; } = string.Empty;

    /// <summary>Prompt set whose classes tasks receive (zero-shot tagging); empty (the default) uses <c>EdgeRuntime:ZeroShot:DefaultPromptSet</c>.</summary>
    public string PromptSet { get; set; } = string.Empty;

    /// <summary>Folder of results: <c>{ResultsDirectory}/{slideId}/result.json</c>, <c>overlay.png</c> and the tasks' files. Default <c>results</c>.</summary>
    public string ResultsDirectory { get; set; } = "results";

    /// <summary>Seconds a task plugin may take for one call (start, a batch, completion) before it is failed for the slide. Default 60.</summary>
    public double TaskTimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// Each task's settings, by task name: <c>TaskSettings:zero-shot-tagging:TopK = 10</c>. A task receives its own
    /// as <c>SlideTaskContext.Settings</c> and reports a bad value itself. Default: none (every task's defaults).
    /// </summary>
    public Dictionary<string, Dictionary<string, string>> TaskSettings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Prompt sets that tasks work with instead of <see cref="PromptSet"/>, by task name (a segmentation task with
    /// its own tissue classes beside tagging with CRC-100K, say): <c>TaskPromptSets:zero-shot-tagging = prompts/wsss4luad/1.0.0/prompts.json</c>.
    /// Relative paths are from the edgert folder (from the file's folder in a <c>--config</c> file), as for <see cref="PromptSet"/>. A prompt plugin that an admin
    /// activates replaces the default, not these. Default: none.
    /// </summary>
    public Dictionary<string, string> TaskPromptSets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Prototype sets (image embeddings of labelled examples, <c>prototypes.json</c>, made by the same model) that
    /// tasks score against instead of prompts, by task name: few-shot classification through the same class-set slot
    /// as zero-shot (<c>SlideTaskContext.ClassSet</c>). Relative paths are from the edgert folder (from the file's folder in a <c>--config</c> file). Default: none.
    /// A prototype plugin activated for a task (the active file) takes that task's place here until deactivated.
    /// </summary>
    public Dictionary<string, string> TaskPrototypeSets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Folder under which each task keeps state that outlives slides (<c>{TaskStateDirectory}/{task name}</c>). Default <c>state/tasks</c>.</summary>
    public string TaskStateDirectory { get; set; } = Path.Combine("state", "tasks");

    /// <summary>Long side of the overlay picture in pixels. Default 1024.</summary>
    public int OverlaySize { get; set; } = 1024;

    /// <summary>
    /// Seconds to wait before taking slides again after the results disk was full. Default 30. The slide that met the
    /// full disk goes back to pending, not to failed: it is fine, the disk is not.
    /// </summary>
    public double DiskFullRetrySeconds { get; set; } = 30;

    /// <summary>
    /// Slides processed at the same time, each with its own readers, sharing the model's encoder in turns, oldest
    /// slide first (<see cref="Encoding.EncoderTurns"/>): the next slide is opened, its tissue found and its first
    /// batches read while the one before runs its last batches, completes its tasks and writes its results, without
    /// slowing that one down. Default 2: the service-load benchmark measured 1.3–1.4× the slides per hour of 1 on
    /// small slides, for 70–115 MiB more peak memory (docs/performance.md). Each costs one slide's buffers.
    /// </summary>
    public int SlidesInFlight { get; set; } = 2;

    /// <summary>
    /// A cell head package folder (head.json and its decoder; docs/cells.md): when set, the <c>cells</c> task runs it on
    /// every tile's dense tokens. Empty (the default): no cell task. The head must have been trained on the model's
    /// encoder (id and model.json hash), or every slide fails with the reason.
    /// </summary>
    public string CellHead { get; set; } = string.Empty;

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ResultsDirectory))
        {
            yield return $"{Section}:{nameof(ResultsDirectory)} must name a folder.";
        }

        if (!(DiskFullRetrySeconds > 0))
        {
            yield return $"{Section}:{nameof(DiskFullRetrySeconds)} must be positive (is {DiskFullRetrySeconds}).";
        }

        if (!(TaskTimeoutSeconds > 0))
        {
            yield return $"{Section}:{nameof(TaskTimeoutSeconds)} must be positive (is {TaskTimeoutSeconds}).";
        }

        foreach (var (task, path) in TaskPromptSets)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                yield return $"{Section}:{nameof(TaskPromptSets)}:{task} must name a prompt set file.";
            }
        }

        foreach (var (task, path) in TaskPrototypeSets)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                yield return $"{Section}:{nameof(TaskPrototypeSets)}:{task} must name a prototype set file.";
            }
        }

        if (string.IsNullOrWhiteSpace(TaskStateDirectory))
        {
            yield return $"{Section}:{nameof(TaskStateDirectory)} must name a folder.";
        }

        if (SlidesInFlight is < 1 or > 16)
        {
            yield return $"{Section}:{nameof(SlidesInFlight)} must be between 1 and 16 (is {SlidesInFlight}).";
        }

        if (OverlaySize is < 64 or > 8192)
        {
            yield return $"{Section}:{nameof(OverlaySize)} must be between 64 and 8192 (is {OverlaySize}).";
        }
    }
}
