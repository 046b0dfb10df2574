using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeRuntime.Publishing.Broker;

/// <summary>
/// An MQTT application message as the broker stores it (JSON: topic, payload, QoS, retain and the MQTT 5
/// properties), and the digest that finds it again when a subscriber acknowledges it: MQTTnet reports the
/// acknowledged packet, not the message it came from, and a packet identifier does not survive a restart.
/// </summary>
internal static class StoredMessage
{
    public static byte[] Write(MqttApplicationMessage message)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("topic", message.Topic);
            json.WriteBase64String("payload", message.Payload.ToArray());
            json.WriteNumber("qos", (int)message.QualityOfServiceLevel);
            json.WriteBoolean("retain", message.Retain);
            if (message.ContentType is { } contentType)
            {
                json.WriteString("contentType", contentType);
            }

            if (message.ResponseTopic is { } responseTopic)
            {
                json.WriteString("responseTopic", responseTopic);
            }

            if (message.CorrelationData is { } correlation)
            {
                json.WriteBase64String("correlation", correlation);
            }

            json.WriteNumber("format", (int)message.PayloadFormatIndicator);
            json.WriteNumber("expiry", message.MessageExpiryInterval);
            json.WriteStartArray("properties");
            foreach (var property in message.UserProperties ?? [])
            {
                json.WriteStartObject();
                json.WriteString("name", property.Name);
                json.WriteBase64String("value", property.ValueBuffer.Span);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static MqttApplicationMessage Read(byte[] stored)
    {
        using var document = JsonDocument.Parse(stored);
        var root = document.RootElement;
        var message = new MqttApplicationMessage
        {
            Topic = root.GetProperty("topic").GetString(),
            Payload = new ReadOnlySequence<byte>(root.GetProperty("payload").GetBytesFromBase64()),
            QualityOfServiceLevel = (MqttQualityOfServiceLevel)root.GetProperty("qos").GetInt32(),
            Retain = root.GetProperty("retain").GetBoolean(),
            ContentType = root.TryGetProperty("contentType", out var contentType) ? contentType.GetString() : null,
            ResponseTopic = root.TryGetProperty("responseTopic", out var responseTopic) ? responseTopic.GetString() : null,
            CorrelationData = root.TryGetProperty("correlation", out var correlation) ? correlation.GetBytesFromBase64() : null,
            PayloadFormatIndicator = (MqttPayloadFormatIndicator)root.GetProperty("format").GetInt32(),
            MessageExpiryInterval = root.GetProperty("expiry").GetUInt32(),
        };
        var properties = root.GetProperty("properties");
        if (properties.GetArrayLength() > 0)
        {
            message.UserProperties = [.. properties.EnumerateArray().Select(p => new MqttUserProperty(p.GetProperty("name").GetString()!, new ReadOnlyMemory<byte>(p.GetProperty("value").GetBytesFromBase64())))];
        }

        return message;
    }

    /// <summary>What identifies a message to one subscriber: its topic, payload and correlation data.</summary>
    public static byte[] Digest(string topic, ReadOnlySequence<byte> payload, byte[]? correlation)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(topic));
        hash.AppendData([0]);
        foreach (var segment in payload)
        {
            hash.AppendData(segment.Span);
        }

        hash.AppendData([0]);
        hash.AppendData(correlation ?? []);
        return hash.GetHashAndReset();
    }

    public static byte[] Digest(MqttApplicationMessage message) => Digest(message.Topic, message.Payload, message.CorrelationData);

    public static byte[] Digest(MqttPublishPacket packet) => Digest(packet.Topic, packet.Payload, packet.CorrelationData);
}
