using EdgeRuntime.Inference.ZeroShot;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Pipeline.Encoding;
using EdgeRuntime.Pipeline.Processing;
using EdgeRuntime.Pipeline.Running;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRuntime.Pipeline;

/// <summary>Registers the processing component: the loaded model, the slide processor and the processing service.</summary>
public static class PipelineServiceCollectionExtensions
{
    /// <summary>Adds slide processing over the journal, starting with an already loaded and verified <paramref name="model"/>.</summary>
    public static IServiceCollection AddSlideProcessing(
        this IServiceCollection services,
        ModelRuntime model,
        ProcessingOptions processing,
        TissueDetectionOptions tissue,
        TilingOptions tiling,
        EncodingOptions encoding,
        ZeroShotOptions zeroShot,
        JournalOptions journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        services.AddSingleton(p => new ModelProvider(model, p.GetRequiredService<PipelineMetrics>())); // created by the container, so disposed with it
        services.AddSingleton(processing);
        services.AddSingleton(tissue);
        services.AddSingleton(tiling);
        services.AddSingleton(encoding);
        services.AddSingleton(zeroShot);
        services.AddSlideJournal(journal.DatabasePath);
        services.TryAddSingleton<PendingSlidesSignal>();
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<PipelineMetrics>();
        services.TryAddSingleton<LiveProgress>();
        services.TryAddSingleton(_ => new TaskProvider(SlideTaskSet.Empty));
        services.AddSingleton<SlidePipeline>();
        services.AddSingleton<SlideProcessor>();
        services.AddHostedService<ProcessingService>();
        return services;
    }
}
