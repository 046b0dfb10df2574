using EdgeRuntime.Pipeline.Processing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRuntime.Plugins;

/// <summary>Registers the plugin component: the task plugins, the controller that swaps plugins, and the watchers that feed it.</summary>
public static class PluginServiceCollectionExtensions
{
    /// <summary>
    /// Adds hot swapping of model, prompt and task plugins, starting with <paramref name="initialTasks"/> (loaded and
    /// verified before the host is built). The watchers do nothing while <see cref="PluginOptions.Root"/> is empty.
    /// </summary>
    public static IServiceCollection AddPlugins(this IServiceCollection services, PluginOptions options, SlideTaskSet initialTasks)
    {
        services.AddSingleton(options);
        services.Replace(ServiceDescriptor.Singleton(_ => new TaskProvider(initialTasks)));
        services.AddSingleton<PluginController>();
        services.AddHostedService<ActiveFileWatcher>();
        services.AddHostedService<PluginRootWatcher>();
        return services;
    }
}
