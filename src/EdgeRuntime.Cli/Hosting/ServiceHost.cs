using EdgeRuntime.Cases;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Fleet;
using EdgeRuntime.Ingest;
using EdgeRuntime.Lis;
using EdgeRuntime.Operations;
using EdgeRuntime.Pipeline;
using EdgeRuntime.Pipeline.Processing;
using EdgeRuntime.Plugins;
using EdgeRuntime.Publishing;
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

        // Start order is registration order: the broker and its client, then the processor, then the inbox.
        builder.Services.AddSingleton(settings.Slides);
        builder.Services.AddSingleton(new SlideOpener(settings.Slides));
        builder.Services.AddMqttPublishing(settings.Mqtt, settings.Broker);
        builder.Services.AddLis(settings.Lis);
        builder.Services.AddCaseIdentification(settings.Cases);
        builder.Services.AddSlideProcessing(model, settings.Processing, settings.Tissue, settings.Tiling, settings.Pipeline, settings.ZeroShot, settings.Journal);
        builder.Services.AddSingleton(settings.Inference);
        builder.Services.AddPlugins(settings.Plugins);
        builder.Services.AddSlideIngest(settings.Inbox, settings.Journal);
        builder.Services.AddOperationsEndpoint(settings.Operations);
        builder.Services.AddFleet(settings.Fleet, settings.Mqtt); // off by default: a single box adds nothing
        return builder.Build();
    }
}
