using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Journal;

/// <summary>The log scope every stage opens around one slide's work, so that each line carries the slide id.</summary>
public static class SlideLogScope
{
    private static readonly Func<ILogger, string, IDisposable?> Scope = LoggerMessage.DefineScope<string>("slide {SlideId}");

    /// <summary>Opens the scope; dispose it when the slide's work ends.</summary>
    public static IDisposable? Begin(ILogger logger, string slideId) => Scope(logger, slideId);
}
