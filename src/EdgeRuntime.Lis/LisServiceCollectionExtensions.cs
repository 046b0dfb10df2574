using EdgeRuntime.Foundation;
using EdgeRuntime.Journal.Outbox;
using EdgeRuntime.Lis.Delivery;
using EdgeRuntime.Lis.Fhir;
using EdgeRuntime.Lis.Hl7v2;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRuntime.Lis;

/// <summary>Registers the LIS transports: FHIR on MQTT, FHIR to a server, HL7 v2 over MLLP, each an outbox sink with its own cursor.</summary>
public static class LisServiceCollectionExtensions
{
    /// <summary>Adds the LIS transports <c>EdgeRuntime:Lis</c> turns on, bound and checked here; its problems are reported at start with every other component's.</summary>
    public static IServiceCollection AddLis(this IServiceCollection services, IConfigurationSections sections) =>
        services.RegisterLis(sections.BindChecked<LisOptions>(LisOptions.Section, o => o.Validate()));

    /// <summary>
    /// Adds the LIS transports <paramref name="options"/> (EdgeRuntime:Lis) turns on, validated now: an invalid setting
    /// stops the start with every problem and its configuration path. Register it after MQTT publishing.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static IServiceCollection AddLis(this IServiceCollection services, LisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Foundation.OptionsValidation.ThrowIfInvalid(options.Validate(), nameof(options));
        return services.RegisterLis(options);
    }

    private static IServiceCollection RegisterLis(this IServiceCollection services, LisOptions options)
    {
        if (!options.AnyTransport)
        {
            return services;
        }

        services.AddSingleton(options);
        services.AddSingleton<FhirBundleBuilder>();
        services.AddSingleton<OruMessageBuilder>();
        services.AddSingleton<RefusedMessages>();
        if (options.Fhir.Mqtt)
        {
            Sink<FhirMqttSink>(services);
        }

        if (options.Fhir.ServerUrl is not null)
        {
            Sink<FhirServerSink>(services);
        }

        if (options.Hl7.Host is not null)
        {
            Sink<MllpSink>(services);
        }

        services.AddHostedService<LisPublisher>();
        return services;
    }

    // Each sink is an outbox sink too, so that the journal keeps events until it has them.
    private static void Sink<T>(IServiceCollection services)
        where T : class, ILisSink
    {
        services.AddSingleton<T>();
        services.AddSingleton<ILisSink>(p => p.GetRequiredService<T>());
        services.AddSingleton<IEventSink>(p => p.GetRequiredService<T>());
    }
}
