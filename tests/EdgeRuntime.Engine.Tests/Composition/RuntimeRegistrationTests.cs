using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Engine.Running;
using EdgeRuntime.Journal;
using EdgeRuntime.Runtime;
using EdgeRuntime.Runtime.Metrics;
using EdgeRuntime.Slides;
using EdgeRuntime.TestSupport;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeRuntime.Engine.Tests.Composition;

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

    private ServiceProvider Container(EncodingOptions encoding, EngineOptions? engine = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddRuntimeCore(new JournalOptions { DatabasePath = temp.File("journal.db") });
        services.AddSlideEngine(new SlideReadingOptions(), new TissueDetectionOptions(), new TilingOptions(), encoding, engine ?? new EngineOptions());
        return services.BuildServiceProvider();
    }
}
