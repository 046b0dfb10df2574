using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Engine.Running;
using EdgeRuntime.Inference.ZeroShot;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Runtime.Metrics;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Runtime.Progress;
using EdgeRuntime.Runtime.Swapping;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRuntime.Runtime;

/// <summary>Registers the processing component: the loaded model, the slide processor and the processing service.</summary>
public static class RuntimeServiceCollectionExtensions
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
        services.AddSingleton<EngineOptions>(processing);
        services.AddSingleton(tissue);
        services.AddSingleton(tiling);
        services.AddSingleton(encoding);
        services.AddSingleton(zeroShot);
        services.TryAddSingleton(_ => new SlideJournal(journal.DatabasePath));
        services.TryAddSingleton<PendingSlidesSignal>();
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<PipelineMetrics>();
        services.AddSingleton<IEncoderMetrics>(p => p.GetRequiredService<PipelineMetrics>());
        services.TryAddSingleton<LiveProgress>();
        services.TryAddSingleton(_ => new TaskProvider(SlideTaskSet.Empty));
        services.AddSingleton<SlideEngine>();
        services.AddSingleton<ResultCommitter>();
        services.AddHostedService<ProcessingService>();
        return services;
    }
}
