using System.Text.Json.Nodes;
using EdgeRuntime.Journal.Events;

namespace EdgeRuntime.Plugins;

/// <summary>
/// The events that report plugin changes, queued in the journal's outbox so that a refusal reaches the LIS even
/// when the broker is away at the time: each activation, refusal or new version, and what runs now.
/// </summary>
public static class PluginEvents
{
    /// <summary>The subject of every plugin event.</summary>
    public const string Subject = "plugins";

    /// <summary>A change: <paramref name="kind"/> is <see cref="EventKinds.PluginActivated"/>, <see cref="EventKinds.PluginRefused"/> or <see cref="EventKinds.PluginAvailable"/>.</summary>
    public static JournalEvent Event(string kind, string origin, string plugins, string? reason, string correlationId) =>
        new(0, kind, Subject, correlationId, new JsonObject { ["origin"] = origin, ["plugins"] = plugins, ["reason"] = reason }, DateTimeOffset.UtcNow);

    /// <summary>What runs now.</summary>
    public static JournalEvent Active(JsonObject active, string correlationId)
    {
        ArgumentNullException.ThrowIfNull(active);
        return new(0, EventKinds.PluginsActive, Subject, correlationId, (JsonObject)active.DeepClone(), DateTimeOffset.UtcNow);
    }
}
