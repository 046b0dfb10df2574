using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Inference.Heads;

namespace EdgeRuntime.Engine.Cells;

/// <summary>
/// The live cell task: the active cell head on each tile's dense tokens and pixels from the one encoder pass, nuclei by
/// <c>EdgeRuntime.Cells</c>' post-processing, each kept once by the seam rule, streamed to disk (docs/cells.md).
/// An engine task, not a plugin: it runs a second ONNX graph, bound to the model by hash, that the host loads, checks
/// and swaps with the model; and it needs the slide's own pixels and tissue for the overlay and densities. One instance
/// per slide run (the engine makes it with the head the slide's model lease holds), so it keeps that slide's run for
/// the join with a tissue map after every task has completed.
/// </summary>
internal sealed class CellTask(CellHead head) : ISlideTask
{
    /// <summary>The name its output has in the result document.</summary>
    public const string TaskName = "cells";

    /// <inheritdoc />
    public string Name => TaskName;

    /// <inheritdoc />
    public int ContractMajorVersion => Abstractions.ContractVersion.Major;

    /// <summary>The head this task runs.</summary>
    public CellHead Head => head;

    /// <inheritdoc />
    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slide);
        ArgumentNullException.ThrowIfNull(context);
        Run = new CellTaskRun(head, slide, context);
        return ValueTask.FromResult<ISlideTaskRun>(Run);
    }

    /// <summary>The slide's run, once started.</summary>
    public CellTaskRun? Run { get; private set; }
}
