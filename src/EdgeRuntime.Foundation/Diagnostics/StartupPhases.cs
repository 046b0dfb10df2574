using System.Diagnostics;

namespace EdgeRuntime.Foundation.Diagnostics;

/// <summary>
/// The named phases between a process's start and its first tile (configuration, model verification, sessions, text
/// embeddings, task plugins, tissue, the first batch), as activities of one source, so that where start-up goes can be
/// measured in every component without passing a logger or a clock through them. Nothing is recorded unless a
/// listener listens (<c>edgert</c> adds one when <c>EDGERT_TRACE_STARTUP=1</c>): without one,
/// <see cref="Begin"/> returns null and costs a field read.
/// </summary>
public static class StartupPhases
{
    /// <summary>The activity source's name, for the listener.</summary>
    public const string SourceName = "EdgeRuntime.Startup";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts phase <paramref name="name"/>; dispose what it returns when the phase ends.</summary>
    public static Activity? Begin(string name) => Source.HasListeners() ? Source.StartActivity(name) : null;

    /// <summary>A moment rather than a span (the first tile encoded): a phase that ends as it begins.</summary>
    public static void Mark(string name) => Begin(name)?.Dispose();
}
