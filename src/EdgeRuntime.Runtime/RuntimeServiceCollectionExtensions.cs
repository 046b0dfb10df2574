using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Engine.Running;
using EdgeRuntime.Foundation;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.ZeroShot;
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
/// each method adds one component once, and checks its options before anything is built. The overloads over
/// <see cref="IConfigurationSections"/> bind their own sections and keep every problem for the host's report at start;
/// those over options objects (for tests and tools) throw.
/// </summary>
public static class RuntimeServiceCollectionExtensions
{
    /// <summary><see cref="AddRuntimeCore(IServiceCollection, JournalOptions)"/> with <c>EdgeRuntime:Journal</c> bound and checked here.</summary>
    public static IServiceCollection AddRuntimeCore(this IServiceCollection services, IConfigurationSections sections) =>
        services.RegisterRuntimeCore(sections.BindChecked<JournalOptions>(JournalOptions.Section, o => o.Validate()));

    /// <summary>
    /// Adds what every component shares, each exactly once: the journal, the signals that wake the processor and the
    /// sinks, the metrics, the progress feed and the task swap slot (empty until the host swaps the loaded tasks in).
    /// Nothing is opened here: the journal is opened when a component first asks for it.
    /// </summary>
    public static IServiceCollection AddRuntimeCore(this IServiceCollection services, JournalOptions journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        OptionsValidation.ThrowIfInvalid(journal.Validate(), nameof(journal));
        return services.RegisterRuntimeCore(journal);
    }

    /// <summary>
    /// The settings a model is loaded and swapped with, each section bound and checked here: <c>EdgeRuntime:Inference</c>
    /// (providers, threads, precision), <c>EdgeRuntime:ZeroShot</c> (the default prompt set, the text-embedding cache) and
    /// <c>EdgeRuntime:Models</c> (the default package). The engine, which loads models, has no container of its own.
    /// </summary>
    public static IServiceCollection AddModelSettings(this IServiceCollection services, IConfigurationSections sections)
    {
        services.AddSingleton(sections.BindChecked<InferenceOptions>(InferenceOptions.Section, o => o.Validate()));
        services.AddSingleton(sections.BindChecked<ZeroShotOptions>(ZeroShotOptions.Section, o => o.Validate()));
        services.AddSingleton(sections.BindChecked<ModelOptions>(ModelOptions.Section, o => o.Validate()));
        return services;
    }

    private static IServiceCollection RegisterRuntimeCore(this IServiceCollection services, JournalOptions journal)
    {
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
    /// tiling, encoding and the engine's part of <c>EdgeRuntime:Processing</c>. Needs <see cref="AddRuntimeCore(IServiceCollection, IConfigurationSections)"/> (for
    /// the metrics); a case reader, where one is registered, names each slide's case.
    /// </summary>
    public static IServiceCollection AddSlideEngine(this IServiceCollection services, IConfigurationSections sections) =>
        services.RegisterSlideEngine(
            sections.BindChecked<SlideReadingOptions>(SlideReadingOptions.Section, o => o.Validate()),
            sections.BindChecked<TissueDetectionOptions>(TissueDetectionOptions.Section, o => o.Validate()),
            sections.BindChecked<TilingOptions>(TilingOptions.Section, o => o.Validate()),
            sections.BindChecked<EncodingOptions>(EncodingOptions.Section, o => o.Validate()),
            sections.BindChecked<ProcessingOptions>(ProcessingOptions.Section, o => o.Validate())); // the engine's keys are Processing's

    /// <summary><see cref="AddSlideEngine(IServiceCollection, IConfigurationSections)"/> with options given, checked here.</summary>
    public static IServiceCollection AddSlideEngine(this IServiceCollection services, SlideReadingOptions slides, TissueDetectionOptions tissue, TilingOptions tiling, EncodingOptions encoding, EngineOptions engine)
    {
        ArgumentNullException.ThrowIfNull(slides);
        ArgumentNullException.ThrowIfNull(tissue);
        ArgumentNullException.ThrowIfNull(tiling);
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentNullException.ThrowIfNull(engine);
        OptionsValidation.ThrowIfInvalid(slides.Validate().Concat(tissue.Validate()).Concat(tiling.Validate()).Concat(encoding.Validate()).Concat(engine.Validate()), nameof(engine));
        return services.RegisterSlideEngine(slides, tissue, tiling, encoding, engine);
    }

    private static IServiceCollection RegisterSlideEngine(this IServiceCollection services, SlideReadingOptions slides, TissueDetectionOptions tissue, TilingOptions tiling, EncodingOptions encoding, EngineOptions engine)
    {
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
    /// <see cref="AddRuntimeCore(IServiceCollection, IConfigurationSections)"/> and <see cref="AddSlideEngine(IServiceCollection, IConfigurationSections)"/>.
    /// </summary>
    public static IServiceCollection AddSlideProcessing(this IServiceCollection services, ModelRuntime model, ProcessingOptions processing)
    {
        ArgumentNullException.ThrowIfNull(processing);
        OptionsValidation.ThrowIfInvalid(processing.Validate(), nameof(processing));
        services.AddSingleton(model);
        return services.RegisterSlideProcessing(processing);
    }

    /// <summary>
    /// Slide processing with <c>EdgeRuntime:Processing</c> bound and checked here. The model is not loaded yet: the
    /// host loads it with the settings every component has checked, then adds it (<see cref="AddLoadedModel"/>)
    /// before the container is built.
    /// </summary>
    public static IServiceCollection AddSlideProcessing(this IServiceCollection services, IConfigurationSections sections) =>
        services.RegisterSlideProcessing(sections.BindChecked<ProcessingOptions>(ProcessingOptions.Section, o => o.Validate()));

    /// <summary>The model the swap slot starts with, already loaded and verified; the slot disposes it when swapped out or at the end.</summary>
    public static IServiceCollection AddLoadedModel(this IServiceCollection services, ModelRuntime model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return services.AddSingleton(model);
    }

    private static IServiceCollection RegisterSlideProcessing(this IServiceCollection services, ProcessingOptions processing)
    {
        // Created by the container, so disposed with it; the model it starts with is the one the host added.
        services.AddSingleton(p => new ModelProvider(p.GetRequiredService<ModelRuntime>(), p.GetRequiredService<PipelineMetrics>()));
        services.AddSingleton(processing);
        services.AddSingleton<ResultCommitter>();
        services.AddHostedService<ProcessingService>();
        return services;
    }
}
