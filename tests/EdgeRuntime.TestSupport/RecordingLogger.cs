using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.TestSupport;

/// <summary>A logger that keeps every message, for tests that assert what was logged.</summary>
public sealed class RecordingLogger : ILogger
{
    /// <summary>Level and formatted message of every entry, in order.</summary>
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Entries.Enqueue((logLevel, formatter(state, exception)));
    }
}
