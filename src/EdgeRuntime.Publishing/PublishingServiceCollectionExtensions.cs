using EdgeRuntime.Ingest.Inbox;
using EdgeRuntime.Pipeline.Processing;
using EdgeRuntime.Publishing.Admin;
using EdgeRuntime.Publishing.Broker;
using EdgeRuntime.Publishing.Mqtt;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRuntime.Publishing;

/// <summary>Registers the publishing component: the embedded broker (when no broker is configured), the outbox publisher and the MQTT admin commands.</summary>
public static class PublishingServiceCollectionExtensions
{
    /// <summary>Adds MQTT publishing. Register it first, so that the broker and its client are up before slides move.</summary>
    public static IServiceCollection AddMqttPublishing(this IServiceCollection services, MqttOptions options)
    {
        services.AddSingleton(options);
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<ServiceMetrics>();
        services.TryAddSingleton<LiveProgress>();
        services.AddSingleton<AdminMailbox>();
        services.AddHostedService<EmbeddedBroker>();
        services.AddHostedService<OutboxPublisher>();
        services.AddHostedService<AdminCommandService>();
        return services;
    }
}
