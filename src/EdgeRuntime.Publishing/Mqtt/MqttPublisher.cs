using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Outbox;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Publishing.Metrics;
using EdgeRuntime.Publishing.Requests;
using EdgeRuntime.Runtime.Progress;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Publishing.Mqtt;

/// <summary>
/// Keeps the MQTT side going: (re)connects with exponential back-off, drains the journal's outbox into the
/// <see cref="MqttEventSink"/>, publishes request replies and the progress of the slide in flight whenever woken, and
/// the metrics (with the retained status as a heartbeat) on a timer. On a graceful stop it drains what it can and
/// publishes the offline status itself.
/// </summary>
internal sealed class MqttPublisher(
    MqttOptions options,
    MqttConnection connection,
    MqttEventSink sink,
    IEnumerable<IEventSink> sinks,
    MqttRequestTransport requests,
    NodeMessages node,
    IOutbox journal,
    OutboxSignal signal,
    LiveProgress live,
    PublishingMetrics metrics,
    ILogger<MqttPublisher> logger) : BackgroundService
{
    private long progressSeen;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Every sink registered in this host holds events back until it has them; one no longer registered does not.
        journal.UseSinks(sinks.Select(s => s.Name));
        connection.Client.ApplicationMessageReceivedAsync += requests.OnMessageAsync;
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (connection.Client.IsConnected)
        {
            try
            {
                await OutboxDrain.DrainAsync(journal, sink, cancellationToken);
                await connection.DisconnectAsync(cancellationToken);
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                // Stopping anyway: the will marks the node offline, and the outbox keeps what was not sent.
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(options.ReconnectMinSeconds);
        var interval = TimeSpan.FromSeconds(options.MetricsIntervalSeconds);
        var nextMetrics = DateTimeOffset.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!connection.IsReady)
                {
                    await connection.EnsureConnectedAsync(stoppingToken);
                    metrics.Connection(connected: true);
                    backoff = TimeSpan.FromSeconds(options.ReconnectMinSeconds);
                }

                metrics.Delivered(await OutboxDrain.DrainAsync(journal, sink, stoppingToken));
                await requests.PublishRepliesAsync(connection.Client, stoppingToken);
                foreach (var (slideId, progress) in live.TakeNewer(ref progressSeen))
                {
                    await connection.Client.PublishAsync(node.Progress(slideId, progress), stoppingToken);
                }

                if (DateTimeOffset.UtcNow >= nextMetrics)
                {
                    await connection.Client.PublishAsync(node.Metrics(), stoppingToken);

                    // The retained status again, as a heartbeat: a subscriber whose subscription raced the first
                    // one (seen with the embedded MQTTnet broker: about 1 in 30 subscribing as the node starts)
                    // still learns within one interval that the node is online.
                    await connection.Client.PublishAsync(node.Status("online"), stoppingToken);
                    await connection.Client.PublishAsync(node.Heartbeat(), stoppingToken);
                    nextMetrics = DateTimeOffset.UtcNow + interval;
                }

                var untilMetrics = nextMetrics - DateTimeOffset.UtcNow;
                await signal.WaitAsync(untilMetrics > TimeSpan.Zero ? untilMetrics : TimeSpan.Zero, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (JournalUnavailableException e)
            {
                // The outbox cannot be read or its cursor moved (the journal's disk full, locked, failing): what was
                // delivered and not yet acknowledged goes again, as after a kill; the node keeps running and tries again.
                PublishingLog.JournalUnavailable(logger, e.Message, backoff.TotalSeconds);
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(options.ReconnectMaxSeconds).Ticks));
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException or OperationCanceledException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                if (!connection.Client.IsConnected)
                {
                    metrics.Connection(connected: false);
                }

                PublishingLog.ConnectFailed(logger, connection.Host, options.Port, e.Message.Split('\n')[0], backoff.TotalSeconds);
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(options.ReconnectMaxSeconds).Ticks));
            }
        }
    }
}
