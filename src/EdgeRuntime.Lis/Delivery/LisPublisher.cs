using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Outbox;
using EdgeRuntime.Journal.Signals;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Lis.Delivery;

/// <summary>
/// Drains the journal's outbox into each LIS sink, each on its own loop and cursor, so that an LIS that is down holds
/// back neither MQTT nor another LIS transport. Woken when events are queued (it follows the outbox signal); a sink
/// that failed is tried again after EdgeRuntime:Lis:RetrySeconds.
/// </summary>
public sealed class LisPublisher(IEnumerable<ILisSink> sinks, IOutbox journal, OutboxSignal signal, LisOptions options, ILogger<LisPublisher> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(sinks.Select(sink => DrainLoopAsync(sink, signal.Follow(), stoppingToken)));

    private async Task DrainLoopAsync(ILisSink sink, WorkSignal wake, CancellationToken stoppingToken)
    {
        using var _ = wake;
        LisLog.Started(logger, sink.Name, sink.Target);
        var retry = TimeSpan.FromSeconds(options.RetrySeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var waitFor = Timeout.InfiniteTimeSpan;
            try
            {
                await OutboxDrain.DrainAsync(journal, sink, stoppingToken).ConfigureAwait(false);
                if (journal.PeekOutbox(sink.Name, 1).Count > 0)
                {
                    waitFor = retry; // it stopped at a refusal: the transport is down
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever one delivery throws (a connection dropped mid-publish, a full disk where refusals are kept),
                // this sink waits and tries again; it never ends its loop, which would stop the service with it.
                LisLog.Failed(logger, sink.Name, sink.Target, e.Message, options.RetrySeconds);
                waitFor = retry;
            }

            try
            {
                await wake.WaitAsync(waitFor, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
