using EdgeRuntime.Abstractions.Slides;

namespace EdgeRuntime.Abstractions.Tasks;

/// <summary>
/// A unit of work run over every slide's tile embeddings (zero-shot tagging, feature extraction,
/// segmentation, retrieval indexing...). One instance serves many slides; it starts one
/// <see cref="ISlideTaskRun"/> per slide, so that per-slide state never leaks between slides.
/// </summary>
public interface ISlideTask
{
    /// <summary>Stable name, used in configuration and in the result document.</summary>
    string Name { get; }

    /// <summary>The <see cref="ContractVersion.Major"/> the task was compiled against.</summary>
    int ContractMajorVersion { get; }

    /// <summary>Starts the task on one slide.</summary>
    ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken);
}
