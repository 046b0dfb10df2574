using EdgeRuntime.Foundation;
using EdgeRuntime.Journal.Fleet;
using EdgeRuntime.Publishing.Mqtt;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Fleet;

/// <summary>Registers the fleet component (docs/fleet.md).</summary>
public static class FleetServiceCollectionExtensions
{
    /// <summary>
    /// Adds the fleet with <c>EdgeRuntime:Fleet</c> bound and checked here, against the MQTT settings publishing binds
    /// (a fleet needs an external broker); its problems are reported at start with every other component's.
    /// </summary>
    public static IServiceCollection AddFleet(this IServiceCollection services, IConfigurationSections sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var mqtt = sections.Bind<MqttOptions>(MqttOptions.Section);
        var options = sections.BindChecked<FleetOptions>(FleetOptions.Section, o => o.Validate(mqtt.Embedded, mqtt.NodeId));
        return services.RegisterFleet(options);
    }

    /// <summary>
    /// Adds work sharing and the fleet view when <paramref name="options"/> (EdgeRuntime:Fleet) enables them, validated
    /// now: a fleet on the embedded broker, which has no shared subscriptions, stops the start naming the key. Disabled
    /// (the default), nothing is added: a single box does nothing new. Register it after publishing, processing and ingest.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static IServiceCollection AddFleet(this IServiceCollection services, FleetOptions options, MqttOptions mqtt)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mqtt);
        Foundation.OptionsValidation.ThrowIfInvalid(options.Validate(mqtt.Embedded, mqtt.NodeId), nameof(options));
        return services.RegisterFleet(options);
    }

    private static IServiceCollection RegisterFleet(this IServiceCollection services, FleetOptions options)
    {
        if (!options.Enabled)
        {
            return services;
        }

        services.AddSingleton(options);
        services.AddSingleton<FleetTopics>();
        services.AddSingleton<FleetLedger>();
        services.AddSingleton<FleetView>();
        services.AddSingleton(p => new SlideOffers(
            options, p.GetRequiredService<FleetTopics>(), p.GetRequiredService<Journal.SlideJournal>(), p.GetRequiredService<FleetLedger>(),
            p.GetRequiredService<Journal.IFinishedSlides>(), p.GetRequiredService<Journal.Signals.PendingSlidesSignal>(), p.GetRequiredService<Journal.Signals.OutboxSignal>(),
            p.GetRequiredService<ILogger<FleetService>>()));
        services.AddSingleton(p => new RemoteSlides(options, p.GetRequiredService<FleetTopics>(), p.GetRequiredService<Runtime.Processing.ResultCommitter>(), p.GetRequiredService<ILogger<FleetService>>()));
        services.AddHostedService<FleetService>();
        return services;
    }
}
