using EdgeRuntime.Foundation;
using EdgeRuntime.Plugins.Requests;
using EdgeRuntime.Plugins.Tasks;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Runtime.Swapping;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins;

/// <summary>Registers the plugin component: the task plugins, the controller that swaps plugins, and the watchers that feed it.</summary>
public static class PluginServiceCollectionExtensions
{
    /// <summary>Adds hot swapping with <c>EdgeRuntime:Plugins</c> bound and checked here; its problems are reported at start with every other component's.</summary>
    public static IServiceCollection AddPlugins(this IServiceCollection services, Foundation.IConfigurationSections sections) =>
        services.AddPlugins(sections.BindChecked<PluginOptions>(PluginOptions.Section, o => o.Validate()));

    /// <summary>
    /// The active task plugins for a one-shot command, loaded as the service loads them: <c>EdgeRuntime:Plugins</c>
    /// and the tasks' keys of <c>EdgeRuntime:Processing</c> bound and checked here, the <see cref="TaskHost"/> the
    /// container builds (with the model's text tower where a model is registered), and requests by name to the tasks
    /// alone (no controller, no watchers). Needs the runtime's core (the task slot).
    /// </summary>
    public static IServiceCollection AddTaskPlugins(this IServiceCollection services, IConfigurationSections sections)
    {
        var options = sections.BindChecked<PluginOptions>(PluginOptions.Section, o => o.Validate());
        var processing = sections.BindChecked<ProcessingOptions>(ProcessingOptions.Section, o => o.Validate());
        services.AddSingleton(options);
        services.AddSingleton(p => TaskHost.For(processing, p.GetRequiredService<ILoggerFactory>(), p.GetService<ModelProvider>()));
        services.AddSingleton(new RequestRegistry());
        services.AddSingleton(p => new RequestDispatcher(p.GetRequiredService<RequestRegistry>(), p.GetRequiredService<TaskProvider>(), processing, p.GetRequiredService<ILogger<RequestDispatcher>>()));
        return services;
    }

    /// <summary>
    /// Adds hot swapping of model, prompt and task plugins. The host swaps the active tasks into the
    /// <see cref="TaskProvider"/> before it starts. The watchers do nothing while <see cref="PluginOptions.Root"/> is empty.
    /// </summary>
    public static IServiceCollection AddPlugins(this IServiceCollection services, PluginOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<PluginController>();
        services.AddSingleton(p => TaskHost.For(p.GetRequiredService<ProcessingOptions>(), p.GetRequiredService<ILoggerFactory>(), p.GetService<ModelProvider>()));

        // Requests by name, for every transport: the plugin commands here; task plugins' own come with their set.
        services.AddSingleton(p =>
        {
            var registry = new RequestRegistry();
            PluginRequests.Register(registry, p.GetRequiredService<PluginController>(), options);
            return registry;
        });
        services.AddSingleton<RequestDispatcher>();
        services.AddHostedService<Changes.PluginRequestWatcher>();
        services.AddHostedService<ActiveFileWatcher>();
        services.AddHostedService<PluginRootWatcher>();
        return services;
    }
}
