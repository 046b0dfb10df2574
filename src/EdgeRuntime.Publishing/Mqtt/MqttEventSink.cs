using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Publishing.Mqtt;

/// <summary>
/// The MQTT sink of the journal's outbox: each event as the <see cref="TopicMap"/> maps it, at QoS 1, delivered once
/// the broker has acknowledged every message of it.
/// </summary>
internal sealed class MqttEventSink(MqttConnection connection, TopicMap topics, ILogger<MqttEventSink> logger) : IEventSink
{
    /// <summary>The sink's name in the journal.</summary>
    public const string SinkName = "mqtt";

    /// <inheritdoc />
    public string Name => SinkName;

    /// <inheritdoc />
    public async ValueTask<bool> DeliverAsync(JournalEvent journalEvent, CancellationToken cancellationToken)
    {
        foreach (var message in topics.Messages(journalEvent))
        {
            var result = await connection.Client.PublishAsync(message, cancellationToken).ConfigureAwait(false);

            // MQTT 5 reason codes below 0x80 are successes, "no matching subscribers" (0x10) included: the broker
            // has taken the message, which is all QoS 1 promises. A repeat after a refusal is harmless: subscribers
            // de-duplicate on the sequence (docs/asyncapi.yaml).
            if ((int)result.ReasonCode >= 0x80)
            {
                PublishingLog.Refused(logger, journalEvent.Sequence, message.Topic, $"{result.ReasonCode} {result.ReasonString}");
                return false;
            }
        }

        return true;
    }
}
