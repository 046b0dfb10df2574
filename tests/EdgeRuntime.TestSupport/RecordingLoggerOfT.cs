using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.TestSupport;

/// <summary>A <see cref="RecordingLogger"/> for components that take an <see cref="ILogger{TCategoryName}"/>.</summary>
/// <typeparam name="T">The category.</typeparam>
public sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly RecordingLogger inner = new();

    /// <summary>Level and formatted message of every entry, in order.</summary>
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries => inner.Entries;

    /// <summary>Every message, one per line.</summary>
    public string Text => string.Join(Environment.NewLine, inner.Entries.Select(e => e.Message));

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        inner.Log(logLevel, eventId, state, exception, formatter);
}
