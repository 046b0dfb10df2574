using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeRuntime.Journal.Events;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeRuntime.Publishing.Mqtt;

/// <summary>
/// The MQTT topic tree (docs/asyncapi.yaml), and the one place it is built: every topic below
/// <c>{TopicPrefix}/{NodeId}</c>, and how each journal event becomes MQTT messages.
/// </summary>
internal sealed class TopicMap(MqttOptions options)
{
    /// <summary>Version of the payloads' shape.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Topic root of this node: <c>{TopicPrefix}/{NodeId}</c>.</summary>
    public string Root => $"{options.TopicPrefix}/{options.NodeId}";

    /// <summary>The node's retained status (and last will).</summary>
    public string Status => $"{Root}/status";

    /// <summary>The node's retained heartbeat: when it was last seen alive (the last will replaces the status, not this).</summary>
    public string Heartbeat => $"{Root}/heartbeat";

    /// <summary>The metrics, every interval.</summary>
    public string Metrics => $"{Root}/metrics";

    /// <summary>A slide's retained state.</summary>
    public string SlideState(string slideId) => $"{Root}/slides/{slideId}/state";

    /// <summary>A slide's result document.</summary>
    public string SlideResult(string slideId) => $"{Root}/slides/{slideId}/result";

    /// <summary>A file dropped with the same content as the slide, under another name.</summary>
    public string SlideDuplicate(string slideId) => $"{Root}/slides/{slideId}/duplicate";

    /// <summary>A slide's progress (newest only).</summary>
    public string SlideProgress(string slideId) => $"{Root}/slides/{slideId}/progress";

    /// <summary>Plugin events (activated, refused, available).</summary>
    public string PluginEvents => $"{Root}/plugins/events";

    /// <summary>What runs now (retained).</summary>
    public string PluginsActive => $"{Root}/plugins/active";

    /// <summary>Below here, only the admin account publishes: admin commands (<c>plugins/...</c>, <c>tasks/...</c>).</summary>
    public string AdminRoot => $"{Root}/admin";

    /// <summary>The topic of admin command <paramref name="command"/> (such as <c>plugins/activate</c>).</summary>
    public string AdminTopic(string command) => $"{AdminRoot}/{command}";

    /// <summary>Where replies go when a request names no response topic; requesters should name their own below it.</summary>
    public string AdminReplyRoot => $"{AdminRoot}/replies";

    /// <summary>Below here, read-only accounts (an LIS) may send requests to tasks (<c>{task}/{request}</c>), as the read-only role.</summary>
    public string RequestRoot => $"{Root}/requests";

    /// <summary>
    /// Below here, replies to read-only requests, one tree per account (<see cref="ReplyRootOf"/>): a read-only
    /// account reads its own tree only, so one LIS never sees another's answers.
    /// </summary>
    public string RequestReplyRoot => $"{RequestRoot}/replies";

    /// <summary>The reply tree level anonymous clients share (they exist only while no account is configured).</summary>
    public const string AnonymousReplyLevel = "anonymous";

    /// <summary>
    /// The reply tree of read-only account <paramref name="account"/> (<c>{root}/requests/replies/{account}</c>):
    /// the response topic its requests name must be below it; on the embedded broker, a request that names none
    /// is answered there.
    /// </summary>
    public string ReplyRootOf(string? account) => $"{RequestReplyRoot}/{(string.IsNullOrEmpty(account) ? AnonymousReplyLevel : account)}";

    /// <summary>The filters the service subscribes to for admin requests: the plugin commands and the tasks' requests.</summary>
    public IReadOnlyList<string> AdminFilters => [$"{AdminRoot}/plugins/+", $"{AdminRoot}/tasks/+/+"];

    /// <summary>The filter the service subscribes to for read-only requests to tasks.</summary>
    public string RequestFilter => $"{RequestRoot}/tasks/+/+";

    /// <summary>Whether <paramref name="topic"/> is a reply topic (published by the service only).</summary>
    public bool IsReplyTopic(string topic) => IsAtOrBelow(topic, AdminReplyRoot) || IsAtOrBelow(topic, RequestReplyRoot);

    /// <summary>Whether <paramref name="topic"/> is <paramref name="root"/> or below it.</summary>
    public static bool IsAtOrBelow(string topic, string root)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return topic == root || topic.StartsWith(root + "/", StringComparison.Ordinal);
    }

    /// <summary>The MQTT messages that carry <paramref name="journalEvent"/>; none for a kind MQTT does not carry.</summary>
    public IEnumerable<MqttApplicationMessage> Messages(JournalEvent journalEvent)
    {
        ArgumentNullException.ThrowIfNull(journalEvent);
        var e = journalEvent;
        var data = e.Data;
        switch (e.Kind)
        {
            case EventKinds.SlideAccepted:
                yield return State(e, "pending");
                break;
            case EventKinds.SlideStarted:
                yield return State(e, "processing");
                break;
            case EventKinds.SlideDone:
                // The result first: a subscriber that sees "done" may fetch or rely on the result at once.
                yield return Durable(e, SlideResult(e.Subject), data["result"] is { } result ? PayloadJson.Write(result) : "{}", retain: false);
                yield return State(e, "done");
                break;
            case EventKinds.SlideFailed:
                yield return State(e, "failed");
                break;
            case EventKinds.SlideInterrupted:
                yield return State(e, "pending"); // with the reason: interrupted, and by what
                break;
            case EventKinds.SlideDuplicate:
                yield return Durable(e, SlideDuplicate(e.Subject), new JsonObject
                {
                    ["schemaVersion"] = SchemaVersion,
                    ["slideId"] = e.Subject,
                    ["file"] = data["file"]?.DeepClone(),
                    ["firstFile"] = data["firstFile"]?.DeepClone(),
                    ["state"] = data["state"]?.DeepClone(),
                    ["at"] = At(e),
                }.ToJsonString(), retain: false);
                break;
            case EventKinds.PluginActivated or EventKinds.PluginRefused or EventKinds.PluginAvailable:
                yield return Durable(e, PluginEvents, new JsonObject
                {
                    ["schemaVersion"] = SchemaVersion,
                    ["event"] = e.Kind["plugin.".Length..],
                    ["origin"] = data["origin"]?.DeepClone(),
                    ["plugins"] = data["plugins"]?.DeepClone(),
                    ["reason"] = data["reason"]?.DeepClone(),
                    ["at"] = At(e),
                }.ToJsonString(PayloadJson.Options), retain: false);
                break;
            case EventKinds.PluginsActive:
                var active = new JsonObject { ["schemaVersion"] = SchemaVersion, ["at"] = At(e) };
                foreach (var (key, value) in data)
                {
                    active[key] = value?.DeepClone();
                }

                yield return Durable(e, PluginsActive, PayloadJson.Write(active), retain: true);
                break;
            case EventKinds.LegacyMqtt:
                yield return Durable(e, $"{Root}/{data["topic"]?.GetValue<string>()}", data["payload"]?.GetValue<string>() ?? "{}", data["retain"]?.GetValue<bool>() == true);
                break;
        }
    }

    private MqttApplicationMessage State(JournalEvent e, string state) => Durable(e, SlideState(e.Subject), new JsonObject
    {
        ["schemaVersion"] = SchemaVersion,
        ["slideId"] = e.Subject,
        ["file"] = e.Data["file"]?.DeepClone(),
        ["state"] = state,
        ["reason"] = (e.Data["reason"] ?? e.Data["result"]?["reason"])?.DeepClone(),
        ["outcome"] = e.Data["result"]?["outcome"]?.DeepClone(),
        ["at"] = At(e),
    }.ToJsonString(PayloadJson.Options), retain: true);

    // QoS 1, with the event's sequence, so that a subscriber can drop the repeat a crash before the outbox forgot
    // an event may cause. Retained messages never expire; the others after ResultExpiryHours.
    private MqttApplicationMessage Durable(JournalEvent e, string topic, string payload, bool retain)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .WithContentType("application/json")
            .WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
            .WithCorrelationData(Encoding.UTF8.GetBytes(e.Correlation))
            .WithUserProperty("schemaVersion", Utf8(SchemaVersion.ToString(CultureInfo.InvariantCulture)))
            .WithUserProperty("sequence", Utf8(e.Sequence.ToString(CultureInfo.InvariantCulture)));
        if (!retain)
        {
            builder.WithMessageExpiryInterval((uint)Math.Min(uint.MaxValue, options.ResultExpiryHours * 3600));
        }

        return builder.Build();
    }

    private static string At(JournalEvent e) => e.At.ToString("O", CultureInfo.InvariantCulture);

    private static ReadOnlyMemory<byte> Utf8(string value) => Encoding.UTF8.GetBytes(value);
}
