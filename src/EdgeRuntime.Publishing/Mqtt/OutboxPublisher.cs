using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeRuntime.Ingest.Inbox;
using EdgeRuntime.Ingest.Journal;
using EdgeRuntime.Pipeline.Processing;
using EdgeRuntime.Publishing.Admin;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeRuntime.Publishing.Mqtt;

/// <summary>
/// The only MQTT client of the service. It connects (MQTT 5, with a retained last will that marks the node
/// offline), reconnects with exponential back-off, publishes the journal's outbox in order at QoS 1 and
/// deletes each message only once the broker has acknowledged it, and publishes metrics (with the retained status
/// as a heartbeat) on a timer. With admin
/// commands on, it subscribes to the node's admin requests and publishes the <see cref="AdminMailbox"/>'s replies.
/// MQTTnet 5 has no managed client: reconnection and the outbox are ours. On a graceful stop it publishes the
/// offline status itself, since a clean disconnect does not trigger the will.
/// </summary>
public sealed class OutboxPublisher(
    MqttOptions options,
    SlideJournal journal,
    OutboxSignal signal,
    ServiceMetrics metrics,
    LiveProgress live,
    AdminMailbox admin,
    ILogger<OutboxPublisher> logger) : BackgroundService
{
    private const int DrainBatch = 100;
    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
    private readonly DateTimeOffset started = DateTimeOffset.UtcNow;
    private long lastTiles;
    private long progressSeen;
    private DateTimeOffset lastMetricsAt = DateTimeOffset.UtcNow;

    private string Host => options.Embedded ? "127.0.0.1" : options.Host!;

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (client.IsConnected)
        {
            try
            {
                await DrainAsync(cancellationToken);
                await client.PublishAsync(Status("offline"), cancellationToken);
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken);
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                // Stopping anyway: the will marks the node offline, and the outbox keeps what was not sent.
            }
        }

        client.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        var backoff = TimeSpan.FromSeconds(options.ReconnectMinSeconds);
        var interval = TimeSpan.FromSeconds(options.MetricsIntervalSeconds);
        var nextMetrics = DateTimeOffset.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!client.IsConnected)
                {
                    await ConnectAsync(stoppingToken);
                    backoff = TimeSpan.FromSeconds(options.ReconnectMinSeconds);
                }

                await DrainAsync(stoppingToken);
                while (admin.TryPeekReply(out var reply))
                {
                    await client.PublishAsync(Reply(reply), stoppingToken);
                    admin.Published();
                }

                if (live.TryTakeNewer(ref progressSeen, out var slideId, out var progress))
                {
                    await client.PublishAsync(Progress(slideId, progress), stoppingToken);
                }

                if (DateTimeOffset.UtcNow >= nextMetrics)
                {
                    await client.PublishAsync(Metrics(), stoppingToken);

                    // The retained status again, as a heartbeat: a subscriber whose subscription raced the first
                    // one (seen with the embedded MQTTnet broker: about 1 in 30 subscribing as the node starts)
                    // still learns within one interval that the node is online.
                    await client.PublishAsync(Status("online"), stoppingToken);
                    nextMetrics = DateTimeOffset.UtcNow + interval;
                }

                var untilMetrics = nextMetrics - DateTimeOffset.UtcNow;
                await signal.WaitAsync(untilMetrics > TimeSpan.Zero ? untilMetrics : TimeSpan.Zero, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException or OperationCanceledException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                PublishingLog.ConnectFailed(logger, Host, options.Port, e.Message.Split('\n')[0], backoff.TotalSeconds);
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

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var clientId = $"edgeruntime-{options.NodeId}";
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(Host, options.Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic($"{options.Root}/status")
            .WithWillPayload(StatusPayload("offline"))
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillContentType("application/json");
        if (!string.IsNullOrEmpty(options.Username))
        {
            builder.WithCredentials(options.Username, options.Password);
        }

        if (options.UseTls)
        {
            builder.WithTlsOptions(o => o.UseTls());
        }

        await client.ConnectAsync(builder.Build(), cancellationToken);
        await client.PublishAsync(Status("online"), cancellationToken);
        if (options.AdminEnabled)
        {
            // No local: the node's own replies never come back to it as requests.
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(options.AdminRequestFilter).WithAtLeastOnceQoS().WithNoLocal(true))
                .Build(), cancellationToken);
        }

        var pending = journal.OutboxLength();
        PublishingLog.Connected(logger, Host, options.Port, clientId, pending);
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var batch = journal.PeekOutbox(DrainBatch);
            if (batch.Count == 0)
            {
                return;
            }

            foreach (var message in batch)
            {
                var result = await client.PublishAsync(ToMqtt(message), cancellationToken);

                // MQTT 5 reason codes below 0x80 are successes, "no matching subscribers" (0x10) included:
                // the broker has taken the message, which is all QoS 1 promises.
                if ((int)result.ReasonCode >= 0x80)
                {
                    PublishingLog.Refused(logger, message.Sequence, message.Topic, $"{result.ReasonCode} {result.ReasonString}");
                    return;
                }

                journal.Acknowledge(message.Sequence);
            }
        }
    }

    private MqttApplicationMessage ToMqtt(OutboxMessage message)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic($"{options.Root}/{message.Topic}")
            .WithPayload(Encoding.UTF8.GetBytes(message.Payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(message.Retain)
            .WithContentType("application/json")
            .WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
            .WithCorrelationData(Encoding.UTF8.GetBytes(message.CorrelationId))
            .WithUserProperty("schemaVersion", Utf8(StateMessages.SchemaVersion.ToString(CultureInfo.InvariantCulture)))
            .WithUserProperty("sequence", Utf8(message.Sequence.ToString(CultureInfo.InvariantCulture)));
        if (!message.Retain)
        {
            builder.WithMessageExpiryInterval((uint)Math.Min(uint.MaxValue, options.ResultExpiryHours * 3600));
        }

        return builder.Build();
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        var prefix = $"{options.Root}/admin/";
        if (!message.Topic.StartsWith(prefix, StringComparison.Ordinal))
        {
            return Task.CompletedTask;
        }

        var request = new AdminRequest(
            message.Topic[prefix.Length..],
            message.Payload.IsEmpty ? string.Empty : Encoding.UTF8.GetString(message.Payload),
            message.ResponseTopic,
            message.CorrelationData);
        if (!admin.TryAdd(request))
        {
            AdminLog.Busy(logger, request.Command);
            admin.Reply(AdminCommandService.Busy(options, request));
        }

        return Task.CompletedTask;
    }

    private static MqttApplicationMessage Reply(AdminReply reply)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(reply.Topic)
            .WithPayload(Encoding.UTF8.GetBytes(reply.Payload.ToJsonString()))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json")
            .WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
            .WithUserProperty("status", Utf8(reply.Payload["ok"]?.GetValue<bool>() == true ? "ok" : "refused"))
            .WithMessageExpiryInterval(300);
        if (reply.CorrelationData is { Length: > 0 })
        {
            builder.WithCorrelationData(reply.CorrelationData);
        }

        return builder.Build();
    }

    private static ReadOnlyMemory<byte> Utf8(string value) => Encoding.UTF8.GetBytes(value);

    private MqttApplicationMessage Status(string state) => new MqttApplicationMessageBuilder()
        .WithTopic($"{options.Root}/status")
        .WithPayload(StatusPayload(state))
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithRetainFlag(true)
        .WithContentType("application/json")
        .Build();

    private byte[] StatusPayload(string state) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["schemaVersion"] = StateMessages.SchemaVersion,
        ["node"] = options.NodeId,
        ["state"] = state,
        ["since"] = started.ToString("O", CultureInfo.InvariantCulture),
        ["at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    }.ToJsonString());

    private MqttApplicationMessage Progress(string slideId, EdgeRuntime.Pipeline.Encoding.EncodingProgress progress) => new MqttApplicationMessageBuilder()
        .WithTopic($"{options.Root}/slides/{slideId}/progress")
        .WithPayload(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = StateMessages.SchemaVersion,
            ["slideId"] = slideId,
            ["tilesDone"] = progress.TilesDone,
            ["tilesTotal"] = progress.TilesTotal,
            ["at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        }.ToJsonString()))
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
        .WithContentType("application/json")
        .WithCorrelationData(Encoding.UTF8.GetBytes(slideId))
        .WithMessageExpiryInterval(60)
        .Build();

    private MqttApplicationMessage Metrics()
    {
        var (tiles, done, failed, p50, p95, p99) = metrics.Snapshot();
        var now = DateTimeOffset.UtcNow;
        var rate = (tiles - lastTiles) / Math.Max((now - lastMetricsAt).TotalSeconds, 1e-3);
        (lastTiles, lastMetricsAt) = (tiles, now);
        var counts = journal.Counts();
        var payload = new JsonObject
        {
            ["schemaVersion"] = StateMessages.SchemaVersion,
            ["node"] = options.NodeId,
            ["at"] = now.ToString("O", CultureInfo.InvariantCulture),
            ["tilesPerSecond"] = Math.Round(rate, 2),
            ["tilesTotal"] = tiles,
            ["queueLength"] = counts[SlideState.Pending],
            ["processing"] = counts[SlideState.Processing],
            ["slidesDone"] = done,
            ["slidesFailed"] = failed,
            ["outboxLength"] = journal.OutboxLength(),
            ["modelLatencyMs"] = new JsonObject { ["p50"] = Math.Round(p50, 1), ["p95"] = Math.Round(p95, 1), ["p99"] = Math.Round(p99, 1) },
        };
        return new MqttApplicationMessageBuilder()
            .WithTopic($"{options.Root}/metrics")
            .WithPayload(Encoding.UTF8.GetBytes(payload.ToJsonString()))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
            .WithContentType("application/json")
            .WithMessageExpiryInterval((uint)Math.Ceiling(options.MetricsIntervalSeconds * 2))
            .Build();
    }
}
