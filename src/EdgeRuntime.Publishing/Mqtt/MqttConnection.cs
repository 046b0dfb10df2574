using EdgeRuntime.Journal;
using EdgeRuntime.Publishing.Metrics;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeRuntime.Publishing.Mqtt;

/// <summary>
/// The service's one MQTT client: MQTT 5, a clean start, a retained last will that marks the node offline, the
/// configured credentials and TLS. On every (re)connection it subscribes to the request topics and only then publishes
/// the online status, so that a requester who waits for "online" is heard. A connection whose subscription failed is
/// completed at the next call. MQTTnet 5 has no managed client, so (re)connecting is ours; the back-off is the publisher's.
/// </summary>
public sealed class MqttConnection : IDisposable
{
    private readonly MqttOptions options;
    private readonly TopicMap topics;
    private readonly NodeMessages node;
    private readonly SlideJournal journal;
    private readonly ServiceAccount account;
    private readonly ILogger<MqttConnection> logger;

    /// <summary>Creates the client and watches how its connections end.</summary>
    internal MqttConnection(MqttOptions options, TopicMap topics, NodeMessages node, SlideJournal journal, ServiceAccount account, PublishingMetrics metrics, ILogger<MqttConnection> logger)
    {
        (this.options, this.topics, this.node, this.journal, this.account, this.logger) = (options, topics, node, journal, account, logger);
        // MQTTnet reports a DISCONNECT the broker sent as a normal disconnection, without its reason code (MQTTnet
        // issue 1149); the packet itself has it, so read the reason of the last DISCONNECT that came in.
        Client.InspectPacketAsync += e =>
        {
            if (e.Direction == MQTTnet.Diagnostics.PacketInspection.MqttPacketFlowDirection.Inbound && DisconnectPacket.ReasonCode(e.Buffer) is { } code)
            {
                Volatile.Write(ref brokerDisconnectReason, code);
            }

            return Task.CompletedTask;
        };
        Client.DisconnectedAsync += e =>
        {
            var reason = Interlocked.Exchange(ref brokerDisconnectReason, -1);
            if (!e.ClientWasConnected || reason <= 0)
            {
                return Task.CompletedTask;
            }

            var name = Enum.IsDefined((MqttClientDisconnectReason)reason) ? ((MqttClientDisconnectReason)reason).ToString() : "unknown";
            if ((MqttClientDisconnectReason)reason == MqttClientDisconnectReason.SessionTakenOver)
            {
                metrics.SessionTakenOver();
                PublishingLog.SessionTakenOver(logger, Host, options.Port, ClientId, $"0x{reason:X2} {name}");
            }
            else
            {
                PublishingLog.DisconnectedByBroker(logger, Host, options.Port, $"0x{reason:X2} {name}", e.ReasonString ?? string.Empty);
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>The client, for publishing and for receiving requests.</summary>
    public IMqttClient Client { get; } = new MqttClientFactory().CreateMqttClient();

    /// <summary>The broker's host as connected to.</summary>
    public string Host => options.Embedded ? "127.0.0.1" : options.Host!;

    private bool ready;
    private bool uncleanStopTold;
    private int brokerDisconnectReason = -1; // -1: none received

    private string ClientId => account.ClientId;

    /// <summary>Whether the client is connected, subscribed and has said it is online.</summary>
    public bool IsReady => ready && Client.IsConnected;

    /// <summary>Connects, subscribes and publishes the online status, as far as not done yet.</summary>
    public async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (IsReady)
        {
            return;
        }

        if (!Client.IsConnected)
        {
            ready = false;
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }

        await SubscribeAsync(cancellationToken).ConfigureAwait(false);
        if (!uncleanStopTold && journal.StartRun() is { AfterUncleanStop: true, Before: { } previous })
        {
            // The truth about the run before goes first, once: it ended uncleanly.
            await Client.PublishAsync(node.UncleanStop(previous), cancellationToken).ConfigureAwait(false);
        }

        uncleanStopTold = true;
        await Client.PublishAsync(node.Status("online"), cancellationToken).ConfigureAwait(false);
        ready = true;
        var pending = journal.OutboxLength();
        PublishingLog.Connected(logger, Host, options.Port, ClientId, pending);
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(Host, options.Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(ClientId)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(topics.Status)
            .WithWillPayload(node.WillPayload())
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillContentType("application/json");
        if (account.Username is not null)
        {
            builder.WithCredentials(account.Username, account.Password);
        }

        if (options.UseTls)
        {
            builder.WithTlsOptions(BrokerTls.Build(options, logger));
        }

        await Client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {

        // No local: the node's own replies never come back to it as requests. Admin commands only when an admin
        // account exists; requests to tasks always (a handler checks the role it needs).
        var subscription = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(topics.RequestFilter).WithAtLeastOnceQoS().WithNoLocal(true));
        foreach (var filter in options.AdminEnabled ? topics.AdminFilters : [])
        {
            subscription.WithTopicFilter(f => f.WithTopic(filter).WithAtLeastOnceQoS().WithNoLocal(true));
        }

        var result = await Client.SubscribeAsync(subscription.Build(), cancellationToken).ConfigureAwait(false);
        foreach (var item in result.Items.Where(i => (int)i.ResultCode >= 0x80))
        {
            // Requests on that filter would never arrive: say so (a broker ACL that does not grant it, usually).
            PublishingLog.SubscriptionRefused(logger, item.TopicFilter.Topic, item.ResultCode.ToString());
        }
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
