using EdgeRuntime.Foundation;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Outbox;
using EdgeRuntime.Publishing.Broker;
using EdgeRuntime.Publishing.Metrics;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.Publishing.Requests;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRuntime.Publishing;

/// <summary>Registers the publishing component: the embedded broker (when no broker is configured), the MQTT sink of the outbox, and requests over MQTT.</summary>
public static class PublishingServiceCollectionExtensions
{
    /// <summary>
    /// Adds MQTT publishing with <c>EdgeRuntime:Mqtt</c> and <c>EdgeRuntime:Broker</c> bound and checked here (the
    /// embedded broker's settings against whether it runs); their problems are reported at start with every other
    /// component's.
    /// </summary>
    public static IServiceCollection AddMqttPublishing(this IServiceCollection services, IConfigurationSections sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var mqtt = sections.BindChecked<MqttOptions>(MqttOptions.Section, o => o.Validate());
        var broker = sections.BindChecked<EmbeddedBrokerOptions>(EmbeddedBrokerOptions.Section, o => BrokerErrors(o, mqtt));
        return services.AddMqttPublishing(mqtt, broker);
    }

    // The embedded broker's options matter only when it runs; set with an external broker, they would mislead.
    private static IEnumerable<string> BrokerErrors(EmbeddedBrokerOptions broker, MqttOptions mqtt)
    {
        if (!mqtt.Embedded)
        {
            return broker.Tls.Enabled || broker.ReadOnlyAccounts.Count > 0 || broker.Addresses is { Length: > 0 }
                ? [$"{EmbeddedBrokerOptions.Section} configures the embedded broker, but {MqttOptions.Section}:Host is set, so none runs: give the external broker these settings (its listeners and ACL) instead."]
                : [];
        }

        string[] reserved = [mqtt.Username ?? ServiceAccount.BuiltInUsername, .. mqtt.AdminEnabled ? [mqtt.AdminUsername!] : Array.Empty<string>()];
        return broker.Validate(!string.IsNullOrEmpty(mqtt.Username) || mqtt.AdminEnabled, reserved);
    }

    /// <summary>
    /// Adds MQTT publishing, over the journal, the outbox signal, the metrics and the progress feed the host registered
    /// once for every component. Register it first, so that the broker and its client are up before slides move.
    /// </summary>
    public static IServiceCollection AddMqttPublishing(this IServiceCollection services, MqttOptions options, EmbeddedBrokerOptions brokerOptions)
    {
        services.AddSingleton(options);
        services.AddSingleton(brokerOptions);
        services.AddSingleton<ServiceAccount>();
        services.AddSingleton<BrokerAccounts>();
        services.AddSingleton<BrokerAcl>();
        services.AddSingleton<TopicMap>();
        services.AddSingleton<MetricsReader>();
        services.AddSingleton<PublishingMetrics>();
        services.AddSingleton<NodeMessages>();
        // Its constructor is internal (it takes this component's internals); the container builds it here.
        services.AddSingleton(p => new MqttConnection(
            p.GetRequiredService<MqttOptions>(), p.GetRequiredService<TopicMap>(), p.GetRequiredService<NodeMessages>(), p.GetRequiredService<SlideJournal>(),
            p.GetRequiredService<ServiceAccount>(), p.GetRequiredService<PublishingMetrics>(), p.GetRequiredService<Microsoft.Extensions.Logging.ILogger<MqttConnection>>()));
        services.AddSingleton<MqttEventSink>();
        services.AddSingleton<IEventSink>(p => p.GetRequiredService<MqttEventSink>());
        services.AddSingleton<RequestMailbox>();
        services.AddSingleton<RequestService>();
        services.AddSingleton<MqttRequestTransport>();
        services.AddSingleton<BrokerMetrics>();
        services.AddHostedService(p => new EmbeddedBroker(
            options,
            brokerOptions,
            p.GetRequiredService<BrokerAccounts>(),
            p.GetRequiredService<BrokerAcl>(),
            p.GetRequiredService<BrokerMetrics>(),
            EmbeddedBrokerOptions.StateFile(brokerOptions, p.GetRequiredService<SlideJournal>().DatabasePath),
            p.GetRequiredService<Microsoft.Extensions.Logging.ILogger<EmbeddedBroker>>()));
        services.AddHostedService<MqttPublisher>();
        services.AddHostedService(p => p.GetRequiredService<RequestService>());
        return services;
    }
}
