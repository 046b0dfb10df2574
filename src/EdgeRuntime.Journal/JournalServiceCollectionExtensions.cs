using EdgeRuntime.Journal.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRuntime.Journal;

/// <summary>Registers the journal once, and each of its faces for the consumers that depend on one.</summary>
public static class JournalServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="SlideJournal"/> at <paramref name="databasePath"/> and, as the same object,
    /// <see cref="ISlideQueue"/>, <see cref="IOutbox"/> and <see cref="IJournalStatistics"/>. Called once, by the runtime's
    /// core registration that every composition uses.
    /// </summary>
    public static IServiceCollection AddSlideJournal(this IServiceCollection services, string databasePath)
    {
        services.AddSingleton(_ => new SlideJournal(databasePath));
        services.AddSingleton<ISlideQueue>(p => p.GetRequiredService<SlideJournal>());
        services.AddSingleton<IOutbox>(p => p.GetRequiredService<SlideJournal>());
        services.AddSingleton<IJournalStatistics>(p => p.GetRequiredService<SlideJournal>());
        return services;
    }
}
