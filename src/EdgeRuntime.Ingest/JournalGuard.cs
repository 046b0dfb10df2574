using EdgeRuntime.Journal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Ingest;

/// <summary>
/// Checks on a timer that the journal's file is still the one the service opened (<see cref="SlideJournal.CheckIdentity"/>;
/// every transaction checks too, this catches an idle service). A journal deleted or replaced stops the service with
/// a critical message and exit code <see cref="ExitCode"/>: never silently writing history into a deleted file.
/// </summary>
public sealed class JournalGuard(SlideJournal journal, JournalOptions options, IHostApplicationLifetime lifetime, ILogger<JournalGuard> logger) : BackgroundService
{
    /// <summary>The process exit code after a lost journal (EX_IOERR).</summary>
    public const int ExitCode = 74;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.CheckIntervalSeconds));
        try
        {
            do
            {
                try
                {
                    journal.CheckIdentity();
                }
                catch (JournalLostException e)
                {
                    Inbox.IngestLog.JournalLost(logger, e.Message);
                    Environment.ExitCode = ExitCode;
                    lifetime.StopApplication();
                    return;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }
}
