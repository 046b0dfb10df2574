using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Engine.Running;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.ZeroShot;
using EdgeRuntime.Journal;
using EdgeRuntime.Runtime.Metrics;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Runtime.Swapping;
using EdgeRuntime.Slides;
using EdgeRuntime.TestSupport;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeRuntime.Runtime.Tests.Composition;

// The engine is registered once, the same way for the service and every command; these are what that promises.
public sealed class RuntimeRegistrationTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void The_engine_reports_its_encoder_batches_on_the_services_meter()
    {
        using var services = Container(new EncodingOptions());

        var engine = services.GetRequiredService<SlideEngine>();

        Assert.NotNull(engine);
        Assert.Same(services.GetRequiredService<PipelineMetrics>(), services.GetRequiredService<IEncoderMetrics>());
    }

    [Fact]
    public void A_bad_engine_setting_stops_the_registration_with_every_key_at_once()
    {
        var error = Assert.Throws<ArgumentException>(() => Container(new EncodingOptions { BatchSize = 0 }, new EngineOptions { OverlaySize = 10 }));

        Assert.Contains("EdgeRuntime:Pipeline:BatchSize", error.Message, StringComparison.Ordinal);
        Assert.Contains("EdgeRuntime:Processing:OverlaySize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_registration_binds_and_checks_its_own_sections_and_keeps_every_problem_for_the_start()
    {
        var sections = new PresetSections(
            (JournalOptions.Section, new JournalOptions { DatabasePath = temp.File("journal.db"), CheckIntervalSeconds = 0 }),
            (TilingOptions.Section, new TilingOptions { TileSize = 2 }),
            (InferenceOptions.Section, new InferenceOptions { InterOpThreads = 0 }),
            (ProcessingOptions.Section, new ProcessingOptions { SlidesInFlight = 17 }));
        var services = new ServiceCollection();

        // Nothing throws here: the host reports every component's problems together.
        services.AddModelSettings(sections).AddRuntimeCore(sections).AddSlideEngine(sections).AddSlideProcessing(sections);

        Assert.Contains("EdgeRuntime:Journal:CheckIntervalSeconds must be positive (is 0).", sections.Refused);
        Assert.Contains(sections.Refused, p => p.StartsWith("EdgeRuntime:Tiling:TileSize", StringComparison.Ordinal));
        Assert.Contains("EdgeRuntime:Inference:InterOpThreads must be at least 1 (is 0).", sections.Refused);
        Assert.Contains("EdgeRuntime:Processing:SlidesInFlight must be between 1 and 16 (is 17).", sections.Refused);
        string[] owned = [JournalOptions.Section, InferenceOptions.Section, ZeroShotOptions.Section, ModelOptions.Section, SlideReadingOptions.Section, TissueDetectionOptions.Section, TilingOptions.Section, EncodingOptions.Section, ProcessingOptions.Section];
        Assert.Equal(owned.Order(StringComparer.Ordinal), sections.Asked.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Processing_takes_the_model_the_host_adds_after_every_section_is_checked()
    {
        var sections = new PresetSections((JournalOptions.Section, new JournalOptions { DatabasePath = temp.File("journal.db") }));
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddModelSettings(sections).AddRuntimeCore(sections).AddSlideEngine(sections).AddSlideProcessing(sections);
        using var provider = services.BuildServiceProvider();

        // No model added: the swap slot cannot be made, rather than made empty.
        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ModelProvider>());
        Assert.Same(sections.Bind<ProcessingOptions>(ProcessingOptions.Section), provider.GetRequiredService<ProcessingOptions>());
    }

    private ServiceProvider Container(EncodingOptions encoding, EngineOptions? engine = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddRuntimeCore(new JournalOptions { DatabasePath = temp.File("journal.db") });
        services.AddSlideEngine(new SlideReadingOptions(), new TissueDetectionOptions(), new TilingOptions(), encoding, engine ?? new EngineOptions());
        return services.BuildServiceProvider();
    }
}
