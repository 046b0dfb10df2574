using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Cli;

/// <summary>
/// Logs of one-shot commands, written as plain lines to the command's error writer ("warning: ..."), so that
/// they never mix with the result on standard output and tests see them too.
/// </summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer, LogLevel minimum) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(writer, minimum);

    public void Dispose()
    {
        // The writer belongs to the caller.
    }

    private sealed class Logger(TextWriter writer, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var level = logLevel switch
            {
                LogLevel.Critical or LogLevel.Error => "error",
                LogLevel.Warning => "warning",
                _ => "info",
            };
            lock (writer)
            {
                writer.WriteLine($"{level}: {formatter(state, exception)}");
            }
        }
    }
}
