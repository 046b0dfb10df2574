namespace EdgeRuntime.Engine.Running;

/// <summary>
/// What the engine reads of <c>EdgeRuntime:Processing</c>: the tasks' settings, time limit and state folder, and the
/// overlay's size. The service's own keys of that section (results folder, slides in flight) extend it.
/// </summary>
public class EngineOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Processing";

    /// <summary>Seconds a task plugin may take for one call (start, a batch, completion) before it is failed for the slide. Default 60.</summary>
    public double TaskTimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// Each task's settings, by task name: <c>TaskSettings:zero-shot-tagging:TopK = 10</c>. A task receives its own
    /// as <c>SlideTaskContext.Settings</c> and reports a bad value itself. Default: none (every task's defaults).
    /// </summary>
    public Dictionary<string, Dictionary<string, string>> TaskSettings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Folder under which each task keeps state that outlives slides (<c>{TaskStateDirectory}/{task name}</c>). Default <c>state/tasks</c>.</summary>
    public string TaskStateDirectory { get; set; } = Path.Combine("state", "tasks");

    /// <summary>Long side of the overlay picture in pixels. Default 1024.</summary>
    public int OverlaySize { get; set; } = 1024;

    /// <summary>
    /// A cell head package folder (head.json and its decoder; docs/cells.md): when set, the <c>cells</c> task runs it on
    /// every tile's dense tokens. Empty (the default): no cell task. A head activated as a plugin (<c>heads/{id}/{version}</c>)
    /// replaces it until it is deactivated. The head must have been trained on the model's encoder (id and model.json
    /// hash): it is loaded with the model, and a model it does not fit does not load (at start, with the reason; a swap
    /// to one is refused).
    /// </summary>
    public string CellHead { get; set; } = string.Empty;

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public virtual IEnumerable<string> Validate()
    {
        if (!(TaskTimeoutSeconds > 0))
        {
            yield return $"{Section}:{nameof(TaskTimeoutSeconds)} must be positive (is {TaskTimeoutSeconds}).";
        }

        if (string.IsNullOrWhiteSpace(TaskStateDirectory))
        {
            yield return $"{Section}:{nameof(TaskStateDirectory)} must name a folder.";
        }

        if (OverlaySize is < 64 or > 8192)
        {
            yield return $"{Section}:{nameof(OverlaySize)} must be between 64 and 8192 (is {OverlaySize}).";
        }
    }
}
