using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Journal.Events;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeRuntime.Fleet;

/// <summary>
/// One message of the work-sharing exchange (docs/fleet.md): <c>offer</c> (owner → the group), <c>claim</c> and
/// <c>decline</c> (taker → owner), <c>grant</c> and <c>refuse</c> (owner → taker), <c>renew</c> (taker → owner),
/// <c>lost</c> (owner → taker), <c>done</c>, <c>failed</c> and <c>return</c> (taker → owner). Every one names its
/// offer and the box that sent it.
/// </summary>
internal sealed record FleetMessage(string Type, string Offer, string From, JsonObject Body)
{
    public const int SchemaVersion = 1;

    public string? Text(string field) => Body[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Reads a received payload; null for one that is not a fleet message (logged by the caller).</summary>
    public static FleetMessage? Read(ReadOnlySpan<byte> payload)
    {
        try
        {
            if (JsonNode.Parse(payload, documentOptions: new JsonDocumentOptions { MaxDepth = 32 }) is not JsonObject body)
            {
                return null;
            }

            var type = body["type"] is JsonValue t && t.TryGetValue<string>(out var ts) ? ts : null;
            var offer = body["offer"] is JsonValue o && o.TryGetValue<string>(out var os) ? os : null;
            var from = body["from"] is JsonValue f && f.TryGetValue<string>(out var fs) ? fs : null;
            return type is null || offer is null || from is null ? null : new FleetMessage(type, offer, from, body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A message of <paramref name="type"/> about <paramref name="offer"/> from <paramref name="from"/>, with <paramref name="fields"/>.</summary>
    public static MqttApplicationMessage Build(string topic, string type, string offer, string from, JsonObject? fields = null)
    {
        var body = new JsonObject { ["schemaVersion"] = SchemaVersion, ["type"] = type, ["offer"] = offer, ["from"] = from, ["at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) };
        foreach (var (key, value) in fields ?? [])
        {
            body[key] = value?.DeepClone();
        }

        // Never retained: a retained offer or grant would be acted on again by every box that subscribes later.
        return new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(Encoding.UTF8.GetBytes(PayloadJson.Write(body)))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json")
            .WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
            .Build();
    }

    /// <summary>A retained JSON document (node state, fleet view).</summary>
    public static MqttApplicationMessage Retained(string topic, JsonObject body) => new MqttApplicationMessageBuilder()
        .WithTopic(topic)
        .WithPayload(Encoding.UTF8.GetBytes(PayloadJson.Write(body)))
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithRetainFlag(true)
        .WithContentType("application/json")
        .WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
        .Build();
}
