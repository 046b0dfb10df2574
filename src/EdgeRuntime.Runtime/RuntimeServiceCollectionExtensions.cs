using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Engine.Running;
using EdgeRuntime.Foundation;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Runtime.Metrics;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Runtime.Progress;
using EdgeRuntime.Runtime.Swapping;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Runtime;

/// <summary>
/// Registers the engine and the runtime around it, the same way for the service and for every one-shot command:
/// each method adds one component once, and checks its options before anything is built.
/// </summary>
public static class RuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds what every component shares, each exactly once: the journal, the signals that wake the processor and the
    /// sinks, the metrics, the progress feed and the task swap slot (empty until the host swaps the loaded tasks in).
    /// Nothing is opened here: the journal is opened when a component first asks for it.
    /// </summary>
    public static IServiceCollection AddRuntimeCore(this IServiceCollection services, JournalOptions journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        OptionsValidation.ThrowIfInvalid(journal.Validate(), nameof(journal));
        services.AddSingleton(journal);
        services.AddSlideJournal(journal.DatabasePath);
        services.AddSingleton<PendingSlidesSignal>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<PipelineMetrics>();
        services.AddSingleton<IEncoderMetrics>(p => p.GetRequiredService<PipelineMetrics>());
        services.AddSingleton<LiveProgress>();
        services.AddSingleton(_ => new TaskProvider(SlideTaskSet.Empty));
        return services;
    }

    /// <summary>
    /// Adds the slide engine (<see cref="SlideEngine"/>) with the options it reads: slide reading, tissue detection,
    /// tiling, encoding and the engine's part of <c>EdgeRuntime:Processing</c>. Needs <see cref="AddRuntimeCore"/> (for
    /// the metrics); a case reader, where one is registered, names each slide's case.
    /// </summary>
    public static IServiceCollection AddSlideEngine(this IServiceCollection services, SlideReadingOptions slides, TissueDetectionOptions tissue, TilingOptions tiling, EncodingOptions encoding, EngineOptions engine)
    {
        ArgumentNullException.ThrowIfNull(slides);
        ArgumentNullException.ThrowIfNull(tissue);
        ArgumentNullException.ThrowIfNull(tiling);
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentNullException.ThrowIfNull(engine);
        OptionsValidation.ThrowIfInvalid(slides.Validate().Concat(tissue.Validate()).Concat(tiling.Validate()).Concat(encoding.Validate()).Concat(engine.Validate()), nameof(engine));
        services.AddSingleton(slides);
        services.AddSingleton(sp => new SlideOpener(slides, sp.GetRequiredService<ILoggerFactory>().CreateLogger<SlideOpener>()));
        services.AddSingleton(tissue);
        services.AddSingleton(tiling);
        services.AddSingleton(encoding);
        services.AddSingleton(engine);
        services.AddSingleton<SlideEngine>();
        return services;
    }

    /// <summary>
    /// Adds slide processing: the swap slot of <paramref name="model"/> (already loaded and verified), the commit of
    /// each slide's results and the service loop over the journal (which runs only where a host starts it). Needs
    /// <see cref="AddRuntimeCore"/> and <see cref="AddSlideEngine"/>.
    /// </summary>
    public static IServiceCollection AddSlideProcessing(this IServiceCollection services, ModelRuntime model, ProcessingOptions processing)
    {
        ArgumentNullException.ThrowIfNull(processing);
        OptionsValidation.ThrowIfInvalid(processing.Validate(), nameof(processing));
        services.AddSingleton(p => new ModelProvider(model, p.GetRequiredService<PipelineMetrics>())); // created by the container, so disposed with it
        services.AddSingleton(processing);
        services.AddSingleton<ResultCommitter>();
        services.AddHostedService<ProcessingService>();
        return services;
    }
}
