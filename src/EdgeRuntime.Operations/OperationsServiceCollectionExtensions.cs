using EdgeRuntime.Foundation;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Outbox;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Runtime.Results;
using EdgeRuntime.Runtime.Swapping;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Operations;

/// <summary>Registers the operations endpoint: Prometheus metrics and health probes over HTTP.</summary>
public static class OperationsServiceCollectionExtensions
{
    /// <summary>Adds the endpoint with <c>EdgeRuntime:Operations</c> bound and checked here; its problems are reported at start with every other component's.</summary>
    public static IServiceCollection AddOperationsEndpoint(this IServiceCollection services, IConfigurationSections sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var options = sections.Bind<OperationsOptions>(OperationsOptions.Section);
        var problems = options.Validate().ToList();
        sections.Refuse(problems);

        // Registering reads the public address; refused, the start stops with the problems instead.
        return problems.Count == 0 ? services.AddOperationsEndpoint(options) : services;
    }

    /// <summary>Adds the endpoint, when <paramref name="options"/> enable it; register it after the components it reads.</summary>
    public static IServiceCollection AddOperationsEndpoint(this IServiceCollection services, OperationsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return services;
        }

        services.AddSingleton(options);
        services.AddSingleton(new ArtefactLinks(options.PublicUrl is null ? null : new Uri(options.PublicUrl.EndsWith('/') ? options.PublicUrl : options.PublicUrl + "/")));
        services.AddSingleton(p => new JournalMetrics(p.GetRequiredService<IJournalStatistics>(), p.GetRequiredService<IOutbox>()));
        services.AddSingleton(p => new HostMeters(p.GetRequiredService<JournalMetrics>()));
        services.AddSingleton(p =>
        {
            return new OperationsEndpoint(options, p.GetRequiredService<HostMeters>(), new Dictionary<string, IHealthCheck>
            {
                ["model"] = ReadinessChecks.Model(p.GetRequiredService<ModelProvider>()),
                ["journal"] = ReadinessChecks.JournalOpen(p.GetRequiredService<IJournalStatistics>()),
                ["sinks"] = ReadinessChecks.Sinks(p.GetRequiredService<IOutbox>(), p.GetRequiredService<MqttConnection>(), options.ReadyOutboxBound),
            }, new ResultFiles(p.GetRequiredService<ProcessingOptions>().ResultsDirectory), p.GetRequiredService<ILoggerFactory>());
        });
        services.AddHostedService(p => p.GetRequiredService<OperationsEndpoint>());
        return services;
    }
}
