using EdgeRuntime.Journal;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeRuntime.Publishing.Mqtt;

/// <summary>
/// The service's one MQTT client: MQTT 5, a clean start, a retained last will that marks the node offline, the
/// configured credentials and TLS. On every (re)connection it publishes the online status and subscribes to the
/// request topics. MQTTnet 5 has no managed client, so (re)connecting is ours; the back-off is the publisher's.
/// </summary>
public sealed class MqttConnection(MqttOptions options, TopicMap topics, NodeMessages node, SlideJournal journal, ILogger<MqttConnection> logger) : IDisposable
{
    /// <summary>The client, for publishing and for receiving requests.</summary>
    public IMqttClient Client { get; } = new MqttClientFactory().CreateMqttClient();

    /// <summary>The broker's host as connected to.</summary>
    public string Host => options.Embedded ? "127.0.0.1" : options.Host!;

    /// <summary>Connects unless connected.</summary>
    public async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (Client.IsConnected)
        {
            return;
        }

        var clientId = $"edgeruntime-{options.NodeId}";
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(Host, options.Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(topics.Status)
            .WithWillPayload(node.StatusPayload("offline"))
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

        await Client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        await Client.PublishAsync(node.Status("online"), cancellationToken).ConfigureAwait(false);

        // No local: the node's own replies never come back to it as requests. Admin commands only when an admin
        // account exists; requests to tasks always (a handler checks the role it needs).
        var subscription = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(topics.RequestFilter).WithAtLeastOnceQoS().WithNoLocal(true));
        foreach (var filter in options.AdminEnabled ? topics.AdminFilters : [])
        {
            subscription.WithTopicFilter(f => f.WithTopic(filter).WithAtLeastOnceQoS().WithNoLocal(true));
        }

        await Client.SubscribeAsync(subscription.Build(), cancellationToken).ConfigureAwait(false);
        var pending = journal.OutboxLength();
        PublishingLog.Connected(logger, Host, options.Port, clientId, pending);
    }

    /// <summary>Publishes the offline status and disconnects cleanly (a clean disconnect does not trigger the will).</summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        if (!Client.IsConnected)
        {
            return;
        }

        await Client.PublishAsync(node.Status("offline"), cancellationToken).ConfigureAwait(false);
        await Client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => Client.Dispose();
}
