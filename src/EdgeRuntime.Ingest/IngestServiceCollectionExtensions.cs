using EdgeRuntime.Ingest.Inbox;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Signals;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRuntime.Ingest;

/// <summary>Registers the ingest component: journal, inbox files, intake and the inbox watcher.</summary>
public static class IngestServiceCollectionExtensions
{
    /// <summary>Adds the journal and the inbox watcher. Register it after the stages that consume slides, so that they start first.</summary>
    public static IServiceCollection AddSlideIngest(this IServiceCollection services, InboxOptions inbox, JournalOptions journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        services.AddSingleton(inbox);
        services.TryAddSingleton(journal);
        services.AddSlideJournal(journal.DatabasePath);
        services.TryAddSingleton<PendingSlidesSignal>();
        services.TryAddSingleton<OutboxSignal>();
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
