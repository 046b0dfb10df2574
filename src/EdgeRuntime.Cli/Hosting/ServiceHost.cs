using EdgeRuntime.Cases;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Fleet;
using EdgeRuntime.Ingest;
using EdgeRuntime.Lis;
using EdgeRuntime.Operations;
using EdgeRuntime.Plugins;
using EdgeRuntime.Publishing;
using EdgeRuntime.Runtime;
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
        // The shared singletons (journal, signals, metrics, progress, swap slots) and the engine, once, as every
        // command composes them; none of these starts anything, so the broker still starts first.
        builder.Services.AddEngine(settings);
        builder.Services.AddCaseIdentification(settings.Cases);
        builder.Services.AddMqttPublishing(settings.Mqtt, settings.Broker);
        builder.Services.AddLis(settings.Lis);
        builder.Services.AddSlideProcessing(model, settings.Processing);
        builder.Services.AddSingleton(settings.Inference);
        builder.Services.AddSingleton(settings.ZeroShot);
        builder.Services.AddPlugins(settings.Plugins);
        builder.Services.AddSlideIngest(settings.Inbox);
        builder.Services.AddOperationsEndpoint(settings.Operations);
        builder.Services.AddFleet(settings.Fleet, settings.Mqtt); // off by default: a single box adds nothing
        return builder.Build();
    }
}
