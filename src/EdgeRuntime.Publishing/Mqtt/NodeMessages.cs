using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Outbox;
using EdgeRuntime.Publishing.Metrics;
using EdgeRuntime.Runtime.Progress;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeRuntime.Publishing.Mqtt;

/// <summary>
/// The node's own messages, which are only current and never queued: its status (retained, and the last will), the
/// progress of the slide in flight, and the metrics.
/// </summary>
internal sealed class NodeMessages(MqttOptions options, TopicMap topics, IJournalStatistics journal, IOutbox outbox, MetricsReader metrics, PublishingMetrics publishing)
{
    private readonly DateTimeOffset started = DateTimeOffset.UtcNow;
    private long lastTiles;
    private DateTimeOffset lastMetricsAt = DateTimeOffset.UtcNow;

    /// <summary>The retained status, <c>online</c> or <c>offline</c>.</summary>
    public MqttApplicationMessage Status(string state) => new MqttApplicationMessageBuilder()
        .WithTopic(topics.Status)
        .WithPayload(StatusPayload(state))
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithRetainFlag(true)
        .WithContentType("application/json")
        .Build();

    /// <summary>The status payload: <c>online</c>, or <c>offline</c> after a clean stop.</summary>
    public byte[] StatusPayload(string state) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["schemaVersion"] = TopicMap.SchemaVersion,
        ["node"] = options.NodeId,
        ["state"] = state,
        ["clean"] = true,
        ["since"] = started.ToString("O", CultureInfo.InvariantCulture),
        ["at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    }.ToJsonString(PayloadJson.Options));

    /// <summary>
    /// The retained status a node publishes first after it restarts from an unclean stop: <c>offline</c>, <c>clean</c>
    /// false, with when that run began, so that the retained state says the truth (with the embedded broker no will
    /// was ever published) before <c>online</c> replaces it.
    /// </summary>
    public MqttApplicationMessage UncleanStop(RunStart.Previous previous) => new MqttApplicationMessageBuilder()
        .WithTopic(topics.Status)
        .WithPayload(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = TopicMap.SchemaVersion,
            ["node"] = options.NodeId,
            ["state"] = "offline",
            ["clean"] = false,
            ["since"] = previous.StartedAt.ToString("O", CultureInfo.InvariantCulture),
            ["at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        }.ToJsonString()))
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithRetainFlag(true)
        .WithContentType("application/json")
        .Build();

    /// <summary>
    /// The last will, which the broker publishes when the node goes away without saying so. It is fixed when the node
    /// connects, so it carries no time of its own (MQTT cannot update a will); when the node was last seen alive is
    /// the retained <see cref="TopicMap.Heartbeat"/>, which the will does not replace, and the will names it.
    /// </summary>
    public byte[] WillPayload() => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["schemaVersion"] = TopicMap.SchemaVersion,
        ["node"] = options.NodeId,
        ["state"] = "offline",
        ["clean"] = false,
        ["since"] = started.ToString("O", CultureInfo.InvariantCulture),
        ["lastSeenTopic"] = topics.Heartbeat,
    }.ToJsonString(PayloadJson.Options));

    /// <summary>The retained heartbeat: the node is alive now.</summary>
    public MqttApplicationMessage Heartbeat() => new MqttApplicationMessageBuilder()
        .WithTopic(topics.Heartbeat)
        .WithPayload(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = TopicMap.SchemaVersion,
            ["node"] = options.NodeId,
            ["lastSeen"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["intervalSeconds"] = options.MetricsIntervalSeconds,
        }.ToJsonString(PayloadJson.Options)))
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithRetainFlag(true)
        .WithContentType("application/json")
        .Build();

    /// <summary>A slide's progress, at most once, for a minute.</summary>
    public MqttApplicationMessage Progress(string slideId, TileProgress progress) => new MqttApplicationMessageBuilder()
        .WithTopic(topics.SlideProgress(slideId))
        .WithPayload(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = TopicMap.SchemaVersion,
            ["slideId"] = slideId,
            ["tilesDone"] = progress.TilesDone,
            ["tilesTotal"] = progress.TilesTotal,
            ["at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        }.ToJsonString(PayloadJson.Options)))
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
        .WithContentType("application/json")
        .WithCorrelationData(Encoding.UTF8.GetBytes(slideId))
        .WithMessageExpiryInterval(60)
        .Build();

    /// <summary>The metrics: the pipeline's instruments, and the journal's queue.</summary>
    public MqttApplicationMessage Metrics()
    {
        var m = metrics.Snapshot();
        var now = DateTimeOffset.UtcNow;
        var rate = (m.Tiles - lastTiles) / Math.Max((now - lastMetricsAt).TotalSeconds, 1e-3);
        (lastTiles, lastMetricsAt) = (m.Tiles, now);
        var counts = journal.Counts();
        var sinceStart = journal.CountsFinishedSince(started);
        var payload = new JsonObject
        {
            ["schemaVersion"] = TopicMap.SchemaVersion,
            ["node"] = options.NodeId,
            ["at"] = now.ToString("O", CultureInfo.InvariantCulture),
            ["tilesPerSecond"] = Math.Round(rate, 2),
            ["tilesTotal"] = m.Tiles,
            ["queueLength"] = counts[SlideState.Pending],
            ["processing"] = counts[SlideState.Processing],
            // Counts that matter outlive the process: they are the journal's, and so are those since start (the same
            // count over a shorter time, slides refused at intake included), so the two never disagree. Rates are the
            // process's own.
            ["slidesDone"] = counts[SlideState.Done],
            ["slidesFailed"] = counts[SlideState.Failed],
            ["slidesRetried"] = journal.Retries(),
            ["sinceStart"] = new JsonObject { ["slidesDone"] = sinceStart[SlideState.Done], ["slidesFailed"] = sinceStart[SlideState.Failed], ["sessionTakeovers"] = publishing.SessionTakeovers },
            ["outboxLength"] = outbox.OutboxLength(),
            ["modelLatencyMs"] = new JsonObject { ["p50"] = Math.Round(m.P50, 1), ["p95"] = Math.Round(m.P95, 1), ["p99"] = Math.Round(m.P99, 1) },
        };
        return new MqttApplicationMessageBuilder()
            .WithTopic(topics.Metrics)
            .WithPayload(Encoding.UTF8.GetBytes(PayloadJson.Write(payload)))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
            .WithContentType("application/json")
            .WithMessageExpiryInterval((uint)Math.Ceiling(options.MetricsIntervalSeconds * 2))
            .Build();
    }
}
