using EdgeRuntime.Cases;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Fleet;
using EdgeRuntime.Foundation;
using EdgeRuntime.Ingest;
using EdgeRuntime.Lis;
using EdgeRuntime.Operations;
using EdgeRuntime.Plugins;
using EdgeRuntime.Plugins.Tasks;
using EdgeRuntime.Publishing;
using EdgeRuntime.Runtime;
using EdgeRuntime.Runtime.Swapping;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Cli.Hosting;

/// <summary>
/// The one composition of the engine and the runtime: the service (<see cref="ServiceHost"/>) and every one-shot
/// command register them through these methods, so a command runs a slide with the object graph the service runs
/// it with, never one wired by hand. Each component binds and checks its own configuration section as it registers.
/// </summary>
internal static class Composition
{
    /// <summary>
    /// The service, every component in start order: the broker and its client, then the processor, then the inbox.
    /// Every command's configuration is checked through it (<see cref="EdgertSettings.Validate"/>); only the service
    /// builds it, with the model added.
    /// </summary>
    public static IServiceCollection AddEdgeRuntime(this IServiceCollection services, IConfigurationSections sections)
    {
        // The shared singletons (journal, signals, metrics, progress, swap slots) and the engine, once, as every
        // command composes them; none of these starts anything, so the broker still starts first.
        services.AddEngine(sections);
        services.AddCaseIdentification(sections);
        services.AddMqttPublishing(sections);
        services.AddLis(sections);
        services.AddSlideProcessing(sections);
        services.AddPlugins(sections);
        services.AddSlideIngest(sections);
        services.AddOperationsEndpoint(sections);
        services.AddFleet(sections); // off by default: a single box adds nothing
        return services;
    }

    /// <summary>The settings models are loaded with, the shared singletons, once, and the slide engine.</summary>
    public static IServiceCollection AddEngine(this IServiceCollection services, IConfigurationSections sections)
    {
        services.AddModelSettings(sections);
        services.AddRuntimeCore(sections);
        services.AddSlideEngine(sections);
        return services;
    }

    /// <summary>
    /// <see cref="AddEngine"/>, the case reader, and the commit of results with <paramref name="model"/> in the swap
    /// slot: what the service and <c>edgert process</c> run each slide with.
    /// </summary>
    public static IServiceCollection AddProcessing(this IServiceCollection services, IConfigurationSections sections, ModelRuntime model)
    {
        services.AddEngine(sections);
        services.AddCaseIdentification(sections);
        services.AddSlideProcessing(sections);
        services.AddLoadedModel(model);
        return services;
    }

    /// <summary>
    /// <see cref="AddEngine"/> and the task plugins' host and requests: what <c>tag</c>, <c>embed</c>, <c>search</c> and
    /// <c>eval</c> run an input with, each loading one task plugin by id (<see cref="Commands.SlideRunner.LoadTask"/>).
    /// With <paramref name="model"/>, the model sits in the swap slot, and the task host answers the tasks' text queries
    /// with its text tower (<c>search</c>); without, no task is given a model for queries, as <c>tag</c> needs none.
    /// </summary>
    public static IServiceCollection AddCommandRun(this IServiceCollection services, IConfigurationSections sections, ModelRuntime? model = null)
    {
        services.AddEngine(sections);
        if (model is not null)
        {
            services.AddSlideProcessing(sections);
            services.AddLoadedModel(model);
        }

        services.AddTaskPlugins(sections);
        return services;
    }

    /// <summary>
    /// The active task plugins for a one-shot command, through the container as the service loads them: the plugins'
    /// settings, the task host, and requests by name to the tasks (no plugin controller: nothing is swapped here).
    /// </summary>
    public static IServiceCollection AddTasks(this IServiceCollection services, IConfigurationSections sections)
    {
        services.AddRuntimeCore(sections);
        services.AddTaskPlugins(sections);
        return services;
    }

    /// <summary>
    /// Loads the active task plugins with the container's task host and swaps them into its task slot, as the service
    /// does at start: the container disposes them with itself.
    /// </summary>
    public static SlideTaskSet LoadActiveTasks(IServiceProvider services, ILogger logger)
    {
        var tasks = TaskSetLoader.LoadActive(services.GetRequiredService<PluginOptions>(), services.GetRequiredService<TaskHost>(), logger);
        services.GetRequiredService<TaskProvider>().Swap(tasks);
        return tasks;
    }

    /// <summary>
    /// A one-shot command's container over <paramref name="loggers"/>: what <paramref name="register"/> adds, each
    /// component's section checked again with what the command changed; no hosted service starts.
    /// </summary>
    /// <exception cref="SettingsException">Some value is invalid.</exception>
    public static ServiceProvider ForCommand(ILoggerFactory loggers, EdgertSettings settings, Action<IServiceCollection, IConfigurationSections> register)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var services = new ServiceCollection();
        services.AddSingleton(loggers);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        settings.Compose(services, register);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
    }
}
