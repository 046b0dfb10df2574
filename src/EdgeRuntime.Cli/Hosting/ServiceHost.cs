using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Engine.Models;
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
        settings.Compose(builder.Services, (services, sections) => services.AddEdgeRuntime(sections).AddLoadedModel(model));
        return builder.Build();
    }
}
