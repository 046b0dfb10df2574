using EdgeRuntime.Journal.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRuntime.Journal;

/// <summary>Registers the journal once, and each of its faces for the consumers that depend on one.</summary>
public static class JournalServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="SlideJournal"/> at <paramref name="databasePath"/> and, as the same object,
    /// <see cref="ISlideQueue"/>, <see cref="IOutbox"/> and <see cref="IJournalStatistics"/>. Called once, by the runtime's
    /// core registration that every composition uses; a second call adds nothing, so two journals can never exist.
    /// </summary>
    public static IServiceCollection AddSlideJournal(this IServiceCollection services, string databasePath)
    {
        services.TryAddSingleton(_ => new SlideJournal(databasePath));
        services.TryAddSingleton<ISlideQueue>(p => p.GetRequiredService<SlideJournal>());
        services.TryAddSingleton<IOutbox>(p => p.GetRequiredService<SlideJournal>());
        services.TryAddSingleton<IJournalStatistics>(p => p.GetRequiredService<SlideJournal>());
        return services;
    }
}
