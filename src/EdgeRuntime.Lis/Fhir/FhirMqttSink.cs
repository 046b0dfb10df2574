using EdgeRuntime.Journal.Events;
using EdgeRuntime.Lis.Delivery;
using EdgeRuntime.Publishing.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Lis.Fhir;

/// <summary>
/// Each result's FHIR Bundle on <c>slides/{id}/fhir</c>, through the node's MQTT connection at QoS 1 with the
/// event's sequence: delivered once the broker has acknowledged it, as MQTT's own sink. While the connection is
/// down (the MQTT publisher reconnects it) the Bundle waits in the outbox.
/// </summary>
public sealed class FhirMqttSink(MqttConnection connection, TopicMap topics, FhirBundleBuilder builder, RefusedMessages refused, LisOptions options, ILogger<FhirMqttSink> logger) : ILisSink
{
    /// <summary>The sink's name in the journal.</summary>
    public const string SinkName = "fhir-mqtt";

    /// <inheritdoc />
    public string Name => SinkName;

    /// <inheritdoc />
    public string Target => topics.SlideFhir("{id}");

    /// <inheritdoc />
    public async ValueTask<bool> DeliverAsync(JournalEvent journalEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(journalEvent);
        if (ResultEvents.ResultOf(journalEvent) is not { } result)
        {
            return true;
        }

        if (!connection.IsReady)
        {
            return false;
        }

        var bundle = ResultMessage.Build(result, journalEvent.Subject, this, refused, logger, report => FhirBundleBuilder.Serialize(builder.Build(report)));
        if (bundle is null)
        {
            return true;
        }

        var reply = await connection.Client.PublishAsync(topics.EventMessage(journalEvent, topics.SlideFhir(journalEvent.Subject), bundle), cancellationToken).ConfigureAwait(false);
        if ((int)reply.ReasonCode >= 0x80)
        {
            LisLog.Unavailable(logger, Name, topics.SlideFhir(journalEvent.Subject), $"{reply.ReasonCode} {reply.ReasonString}", options.RetrySeconds);
            return false;
        }

        return true;
    }
}
