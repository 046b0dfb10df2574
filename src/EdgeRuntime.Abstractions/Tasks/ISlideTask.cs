using EdgeRuntime.Abstractions.Slides;

namespace EdgeRuntime.Abstractions.Tasks;

/// <summary>
/// A unit of work run over every slide's tile embeddings (zero-shot tagging, feature extraction,
/// segmentation, retrieval indexing...). One instance serves many slides; it starts one
/// <see cref="ISlideTaskRun"/> per slide, so that per-slide state never leaks between slides.
/// The service may run several slides at once (<c>Processing:SlidesInFlight</c>), so <see cref="StartAsync"/> can
/// be called while other runs are live, and anything the task shares between runs must be thread-safe; each
/// <see cref="ISlideTaskRun"/> is called by one slide, one call at a time.
/// </summary>
public interface ISlideTask
{
    /// <summary>Stable name, used in configuration and in the result document.</summary>
    string Name { get; }

    /// <summary>The <see cref="ContractVersion.Major"/> the task was compiled against.</summary>
    int ContractMajorVersion { get; }

    /// <summary>
    /// What the task needs of the model beyond image embeddings (added in 2.3); a vision-only model is refused for a
    /// task that needs its text tower, at activation. Default: nothing more.
    /// </summary>
    ModelNeeds Needs => ModelNeeds.None;

    /// <summary>Starts the task on one slide.</summary>
    ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken);
}
