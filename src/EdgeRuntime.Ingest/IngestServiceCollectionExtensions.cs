using EdgeRuntime.Foundation;
using EdgeRuntime.Ingest.Inbox;
using EdgeRuntime.Journal;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRuntime.Ingest;

/// <summary>Registers the ingest component: journal, inbox files, intake and the inbox watcher.</summary>
public static class IngestServiceCollectionExtensions
{
    /// <summary>Adds ingest with <c>EdgeRuntime:Inbox</c> bound and checked here; its problems are reported at start with every other component's.</summary>
    public static IServiceCollection AddSlideIngest(this IServiceCollection services, IConfigurationSections sections) =>
        services.AddSlideIngest(sections.BindChecked<InboxOptions>(InboxOptions.Section, o => o.Validate()));

    /// <summary>
    /// Adds the inbox watcher and intake, over the journal and signals the host registered once for every component.
    /// Register it after the stages that consume slides, so that they start first.
    /// </summary>
    public static IServiceCollection AddSlideIngest(this IServiceCollection services, InboxOptions inbox)
    {
        services.AddSingleton(inbox);
        services.AddSingleton<InboxFiles>();
        services.AddSingleton<FailedSlideRetake>();
        services.AddSingleton<IFinishedSlides>(p => p.GetRequiredService<InboxFiles>());
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<SlideIntake>();
        services.AddHostedService<JournalGuard>();
        services.AddHostedService<InboxWatcher>();
        return services;
    }
}
