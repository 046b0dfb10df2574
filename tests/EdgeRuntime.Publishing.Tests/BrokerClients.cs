using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeRuntime.Publishing.Tests;

/// <summary>A plain MQTTnet 5 client for the broker tests: connect as someone, publish, subscribe, collect what arrives.</summary>
internal sealed class BrokerClient : IAsyncDisposable
{
    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();

    private BrokerClient()
    {
        client.ApplicationMessageReceivedAsync += e =>
        {
            Received.Enqueue(e.ApplicationMessage.Topic);
            ResponseTopics.Enqueue(e.ApplicationMessage.ResponseTopic ?? string.Empty);
            Payloads.Enqueue((e.ApplicationMessage.Topic, System.Text.Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray())));
            return Task.CompletedTask;
        };
    }

    public ConcurrentQueue<string> Received { get; } = new();

    /// <summary>A PINGREQ answered: the broker has handled every packet this client sent before it (one connection's packets in order).</summary>
    public Task PingAsync() => client.PingAsync();

    public ConcurrentQueue<(string Topic, string Payload)> Payloads { get; } = new();

    /// <summary>The response topic of each message received ("" for none).</summary>
    public ConcurrentQueue<string> ResponseTopics { get; } = new();

    public MqttClientConnectResultCode Result { get; private set; }

    public bool Connected => client.IsConnected;

    public string? Error { get; private set; }

    public bool SessionPresent { get; private set; }

    public string? AssignedClientId { get; private set; }

    /// <summary>
    /// Connects; <paramref name="sessionExpiry"/> above 0 (MQTT 5) or <paramref name="cleanStart"/> false (3.1.1)
    /// asks for a persistent session.
    /// </summary>
    public static async Task<BrokerClient> ConnectAsync(int port, string? user, string? password, string? clientId = null, string host = "127.0.0.1", X509Certificate2Collection? trust = null,
        MQTTnet.Formatter.MqttProtocolVersion version = MQTTnet.Formatter.MqttProtocolVersion.V500, bool cleanStart = true, uint sessionExpiry = 0)
    {
        var c = new BrokerClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithProtocolVersion(version)
            .WithClientId(clientId ?? $"test-{Guid.NewGuid():N}")
            .WithCleanStart(cleanStart)
            .WithSessionExpiryInterval(sessionExpiry)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (user is not null)
        {
            options.WithCredentials(user, password);
        }

        if (trust is not null)
        {
            options.WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithTrustChain(trust));
        }

        try
        {
            var result = await c.client.ConnectAsync(options.Build());
            (c.Result, c.SessionPresent, c.AssignedClientId) = (result.ResultCode, result.IsSessionPresent, result.AssignedClientIdentifier);
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e)
        {
            c.Result = EdgeRuntime.TestSupport.MqttConnectFailure.ReasonOf(e);
            c.Error = e.Message;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or System.Security.Authentication.AuthenticationException or OperationCanceledException or IOException)
        {
            c.Result = MqttClientConnectResultCode.UnspecifiedError;
            c.Error = e.Message;
        }

        return c;
    }

    public async Task<MqttClientPublishReasonCode> PublishAsync(string topic, bool retain = false) =>
        (await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload("{}").WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build())).ReasonCode;

    /// <summary>Publishes <paramref name="payload"/> at QoS 1; a message expiry when <paramref name="expirySeconds"/> is above 0.</summary>
    public async Task<MqttClientPublishReasonCode> PublishAsync(string topic, string payload, bool retain = false, uint expirySeconds = 0, string? responseTopic = null)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithMessageExpiryInterval(expirySeconds);
        if (responseTopic is not null)
        {
            message.WithResponseTopic(responseTopic);
        }

        return (await client.PublishAsync(message.Build())).ReasonCode;
    }

    public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string filter) =>
        (await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(filter).WithAtLeastOnceQoS()).Build())).Items.Single().ResultCode;

    public async ValueTask DisposeAsync()
    {
        // The broker may close the connection between the check and the DISCONNECT (a session taken over, a limit
        // met): the connection is gone either way, and a clean-up must not fail the test that caused it.
        if (client.IsConnected)
        {
            try
            {
                await client.DisconnectAsync();
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
            }
        }

        client.Dispose();
    }
}
