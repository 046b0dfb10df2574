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
            return Task.CompletedTask;
        };
    }

    public ConcurrentQueue<string> Received { get; } = new();

    public MqttClientConnectResultCode Result { get; private set; }

    public bool Connected => client.IsConnected;

    public string? Error { get; private set; }

    public static async Task<BrokerClient> ConnectAsync(int port, string? user, string? password, string? clientId = null, string host = "127.0.0.1", X509Certificate2Collection? trust = null)
    {
        var c = new BrokerClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(clientId ?? $"test-{Guid.NewGuid():N}")
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
            c.Result = (await c.client.ConnectAsync(options.Build())).ResultCode;
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

    public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string filter) =>
        (await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(filter).WithAtLeastOnceQoS()).Build())).Items.Single().ResultCode;

    public async ValueTask DisposeAsync()
    {
        if (client.IsConnected)
        {
            await client.DisconnectAsync();
        }

        client.Dispose();
    }
}
