using EdgeRuntime.Pipeline.Processing;
using EdgeRuntime.Plugins.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRuntime.Plugins;

/// <summary>Registers the plugin component: task plugins, and the watcher of the active-plugins file that swaps the model.</summary>
public static class PluginServiceCollectionExtensions
{
    /// <summary>Adds hot swapping of model and prompt plugins (does nothing while <see cref="PluginOptions.Root"/> is empty).</summary>
    public static IServiceCollection AddModelPlugins(this IServiceCollection services, PluginOptions options)
    {
        services.AddSingleton(options);
        services.Replace(ServiceDescriptor.Singleton<ISlideTaskSource, TaskRegistry>());
        services.AddHostedService<PluginSwapService>();
        return services;
    }
}
