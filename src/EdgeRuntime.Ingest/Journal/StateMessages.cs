using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeRuntime.Ingest.Journal;

/// <summary>
/// The <c>slides/{id}/state</c> messages (retained, so a subscriber that connects late sees each slide's last
/// state). docs/asyncapi.yaml documents their payload.
/// </summary>
public static class StateMessages
{
    /// <summary>Version of the payloads' shape.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Topic of a slide's state, relative to the node.</summary>
    public static string StateTopic(string slideId) => $"slides/{slideId}/state";

    /// <summary>Topic of a slide's result, relative to the node.</summary>
    public static string ResultTopic(string slideId) => $"slides/{slideId}/result";

    /// <summary>A state message.</summary>
    public static OutboxMessage State(string slideId, string path, SlideState state, string? reason = null)
    {
        var payload = new JsonObject
        {
            ["schemaVersion"] = SchemaVersion,
            ["slideId"] = slideId,
            ["file"] = Path.GetFileName(path),
            ["state"] = state.ToString().ToLowerInvariant(),
            ["reason"] = reason,
            ["at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        return new OutboxMessage(0, StateTopic(slideId), payload.ToJsonString(), Retain: true, slideId);
    }

    /// <summary>A result message, carrying the result document.</summary>
    public static OutboxMessage Result(string slideId, JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new OutboxMessage(0, ResultTopic(slideId), document.ToJsonString(new JsonSerializerOptions { WriteIndented = false }), Retain: false, slideId);
    }
}
