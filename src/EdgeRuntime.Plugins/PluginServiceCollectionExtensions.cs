using Microsoft.Extensions.DependencyInjection;

namespace EdgeRuntime.Plugins;

/// <summary>Registers the plugin component: the watcher of the active-plugins file that swaps the model.</summary>
public static class PluginServiceCollectionExtensions
{
    /// <summary>Adds hot swapping of model and prompt plugins (does nothing while <see cref="PluginOptions.Root"/> is empty).</summary>
    public static IServiceCollection AddModelPlugins(this IServiceCollection services, PluginOptions options)
    {
        services.AddSingleton(options);
        services.AddHostedService<PluginSwapService>();
        return services;
    }
}
