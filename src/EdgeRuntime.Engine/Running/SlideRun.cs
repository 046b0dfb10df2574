using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Tiling;

namespace EdgeRuntime.Engine.Running;

/// <summary>
/// A slide after one headless run: what was read, how it was tiled, what ran and what each task made of it. The
/// service turns it into the result document; <c>edgert tag</c>, <c>embed</c> (and evaluation) read it directly.
/// </summary>
/// <param name="SlideId">The slide's id.</param>
/// <param name="Path">The file as opened.</param>
/// <param name="Info">The slide's metadata.</param>
/// <param name="Plan">Its tissue mask and tile grid.</param>
/// <param name="Level">The pyramid level tiles were read from.</param>
/// <param name="TissueDetector">The detector used (none for a plain image taken whole).</param>
/// <param name="Model">The model and prompt sets the slide ran with.</param>
/// <param name="Tasks">The tasks it ran with, in order, with their plugin provenance.</param>
/// <param name="Outcomes">Each task's output or failure, in the same order.</param>
/// <param name="Overlay">The overlay picture and the task it came from, if one was drawn.</param>
/// <param name="Timings">Milliseconds spent opening, finding tissue, encoding (with the tasks) and drawing.</param>
public sealed record SlideRun(
    string SlideId,
    string Path,
    SlideInfo Info,
    TilingPlan Plan,
    int Level,
    string TissueDetector,
    ModelRuntime Model,
    IReadOnlyList<SlideTaskEntry> Tasks,
    IReadOnlyList<TaskOutcome> Outcomes,
    OverlayFile? Overlay,
    SlideRunTimings Timings)
{
    /// <summary>What the slide is: tissue analysed, or why no task ran on it.</summary>
    public SlideOutcome Outcome { get; init; } = new(SlideOutcome.Ok, null, null);

    /// <summary>Which case the slide belongs to, each identifier with its source (none read when no case reader is configured).</summary>
    public Cases.SlideCase Case { get; init; } = Cases.SlideCase.NotRead;

    /// <summary>The outcome of task <paramref name="name"/>, or null if it was not in the run.</summary>
    public TaskOutcome? OutcomeOf(string name) => Outcomes.FirstOrDefault(o => o.Task == name);

    /// <summary>The output of task <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">The task did not run, or failed on the slide; the message gives its reason.</exception>
    public System.Text.Json.Nodes.JsonObject OutputOf(string name)
    {
        var outcome = OutcomeOf(name) ?? throw new InvalidDataException($"{Path}: the '{name}' task did not run.");
        return outcome.Output ?? throw new InvalidDataException($"{Path}: the '{name}' task failed: {outcome.Error}");
    }
}

/// <summary>The overlay picture written beside the result.</summary>
/// <param name="File">Its file name in the output folder.</param>
/// <param name="Task">The task whose tile classes it shows.</param>
public sealed record OverlayFile(string File, string Task);

/// <summary>Where a slide's time went, in milliseconds.</summary>
/// <param name="OpenMs">Opening the file.</param>
/// <param name="TissueMs">Tissue detection and the grid.</param>
/// <param name="EncodeMs">Reading, encoding and the tasks.</param>
/// <param name="WriteMs">Drawing the overlay.</param>
/// <param name="TotalMs">All of it.</param>
public sealed record SlideRunTimings(double OpenMs, double TissueMs, double EncodeMs, double WriteMs, double TotalMs);
