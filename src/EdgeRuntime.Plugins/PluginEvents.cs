using System.Globalization;
using System.Text.Json.Nodes;
using EdgeRuntime.Ingest.Journal;

namespace EdgeRuntime.Plugins;

/// <summary>
/// The messages that report plugin changes, queued in the journal's outbox so that a refusal reaches the LIS
/// even when the broker is away at the time: <c>plugins/events</c> (each activation, refusal or new version) and
/// the retained <c>plugins/active</c> (what runs now). docs/asyncapi.yaml documents them.
/// </summary>
public static class PluginEvents
{
    /// <summary>Topic of plugin events, relative to the node.</summary>
    public const string EventsTopic = "plugins/events";

    /// <summary>Topic of the active plugins (retained), relative to the node.</summary>
    public const string ActiveTopic = "plugins/active";

    /// <summary>An event: <paramref name="kind"/> is <c>activated</c>, <c>refused</c> or <c>available</c>.</summary>
    public static OutboxMessage Event(string kind, string origin, string subject, string? reason, string correlationId) =>
        new(0, EventsTopic, new JsonObject
        {
            ["schemaVersion"] = StateMessages.SchemaVersion,
            ["event"] = kind,
            ["origin"] = origin,
            ["plugins"] = subject,
            ["reason"] = reason,
            ["at"] = Now(),
        }.ToJsonString(), Retain: false, correlationId);

    /// <summary>The active plugins as published.</summary>
    public static OutboxMessage Active(JsonObject active, string correlationId)
    {
        ArgumentNullException.ThrowIfNull(active);
        var payload = new JsonObject { ["schemaVersion"] = StateMessages.SchemaVersion, ["at"] = Now() };
        foreach (var (key, value) in active)
        {
            payload[key] = value?.DeepClone();
        }

        return new OutboxMessage(0, ActiveTopic, payload.ToJsonString(), Retain: true, correlationId);
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}
