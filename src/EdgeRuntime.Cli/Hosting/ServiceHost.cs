using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Ingest.Inbox;
using EdgeRuntime.Ingest.Journal;
using EdgeRuntime.Pipeline.Processing;
using EdgeRuntime.Publishing.Broker;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.Slides.Reading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Cli.Hosting;

/// <summary>
/// The worker service behind <c>edgert run</c>: inbox watcher → journal → processing → outbox → MQTT. The
/// configuration is loaded and validated before the host is built, and the model is loaded and verified
/// before anything is accepted, so a bad setting or package stops the start with one clear message.
/// </summary>
internal static class ServiceHost
{
    public static IHost Build(EdgertSettings settings, ModelRuntime model)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.IncludeScopes = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Services.AddSystemd(); // readiness notification and journald-friendly logs under systemd
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        var services = builder.Services;
        services.AddSingleton(settings.Slides);
        services.AddSingleton(settings.Tissue);
        services.AddSingleton(settings.Tiling);
        services.AddSingleton(settings.Pipeline);
        services.AddSingleton(settings.ZeroShot);
        services.AddSingleton(settings.Processing);
        services.AddSingleton(settings.Inbox);
        services.AddSingleton(settings.Mqtt);
        services.AddSingleton(model);
        services.AddSingleton(new SlideOpener(settings.Slides));
        services.AddSingleton(new SlideJournal(settings.Journal.DatabasePath));
        services.AddSingleton<InboxFiles>();
        services.AddSingleton<PendingSlidesSignal>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<ServiceMetrics>();
        services.AddSingleton<LiveProgress>();
        services.AddSingleton<SlideIntake>();
        services.AddSingleton<SlideProcessor>();

        // Start order matters: the broker before its client, the processor before new slides are taken in.
        services.AddHostedService<EmbeddedBroker>();
        services.AddHostedService<OutboxPublisher>();
        services.AddHostedService<ProcessingService>();
        services.AddHostedService<InboxWatcher>();
        return builder.Build();
    }
}
