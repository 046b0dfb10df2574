using EdgeRuntime.Plugins.Requests;
using EdgeRuntime.Runtime.Swapping;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRuntime.Plugins;

/// <summary>Registers the plugin component: the task plugins, the controller that swaps plugins, and the watchers that feed it.</summary>
public static class PluginServiceCollectionExtensions
{
    /// <summary>
    /// Adds hot swapping of model, prompt and task plugins. The host swaps the active tasks into the
    /// <see cref="TaskProvider"/> before it starts. The watchers do nothing while <see cref="PluginOptions.Root"/> is empty.
    /// </summary>
    public static IServiceCollection AddPlugins(this IServiceCollection services, PluginOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<PluginController>();

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
