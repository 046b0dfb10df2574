using EdgeRuntime.Cases;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Cli.Hosting;

/// <summary>
/// The one composition of the engine and the runtime: the service (<see cref="ServiceHost"/>) and every one-shot
/// command register them through these methods, so a command runs a slide with the object graph the service runs
/// it with, never one wired by hand.
/// </summary>
internal static class Composition
{
    /// <summary>The shared singletons, once, and the slide engine with its options.</summary>
    public static IServiceCollection AddEngine(this IServiceCollection services, EdgertSettings settings)
    {
        services.AddRuntimeCore(settings.Journal);
        services.AddSlideEngine(settings.Slides, settings.Tissue, settings.Tiling, settings.Pipeline, settings.Processing);
        return services;
    }

    /// <summary>
    /// <see cref="AddEngine"/>, the case reader, and the commit of results with <paramref name="model"/> in the swap
    /// slot: what the service and <c>edgert process</c> run each slide with.
    /// </summary>
    public static IServiceCollection AddProcessing(this IServiceCollection services, EdgertSettings settings, ModelRuntime model)
    {
        services.AddEngine(settings);
        services.AddCaseIdentification(settings.Cases);
        services.AddSlideProcessing(model, settings.Processing);
        return services;
    }

    /// <summary>A one-shot command's container over <paramref name="loggers"/>: what <paramref name="register"/> adds; no hosted service starts.</summary>
    public static ServiceProvider ForCommand(ILoggerFactory loggers, Action<IServiceCollection> register)
    {
        ArgumentNullException.ThrowIfNull(register);
        var services = new ServiceCollection();
        services.AddSingleton(loggers);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        register(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
    }
}
