using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeRuntime.TestSupport;

/// <summary>
/// What an admin's tool does: an MQTT 5 client that sends a command to <c>{root}/admin/...</c> with a response
/// topic and correlation data, and waits for the reply that carries the same correlation data.
/// </summary>
public sealed class MqttAdminClient : IAsyncDisposable
{
    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentDictionary<string, JsonElement> replies = new();
    private readonly string replyTopic;

    private MqttAdminClient(string replyTopic)
    {
        this.replyTopic = replyTopic;
        client.ApplicationMessageReceivedAsync += e =>
        {
            var correlation = e.ApplicationMessage.CorrelationData is { Length: > 0 } data ? Encoding.UTF8.GetString(data) : string.Empty;
            replies[correlation] = JsonDocument.Parse(Encoding.UTF8.GetString(e.ApplicationMessage.Payload)).RootElement.Clone();
            return Task.CompletedTask;
        };
    }

    /// <summary>The reason code of the last connection attempt.</summary>
    public MqttClientConnectResultCode ConnectResult { get; private set; }

    /// <summary>Why the connection was refused, if it was.</summary>
    public string? ConnectError { get; private set; }

    /// <summary>Connects (MQTT 5) and subscribes to <paramref name="replyTopic"/>; check <see cref="ConnectResult"/>.</summary>
    public static async Task<MqttAdminClient> ConnectAsync(int port, string? username, string? password, string replyTopic)
    {
        var admin = new MqttAdminClient(replyTopic);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId($"admin-test-{Guid.NewGuid():N}")
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (username is not null)
        {
            options.WithCredentials(username, password);
        }

        try
        {
            var result = await admin.client.ConnectAsync(options.Build());
            admin.ConnectResult = result.ResultCode;
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                admin.ConnectError = $"{result.ResultCode} {result.ReasonString}";
                return admin;
            }
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e)
        {
            // A refused CONNACK may also surface as this exception, with the reason only in its message.
            admin.ConnectResult = MqttConnectFailure.ReasonOf(e);
            admin.ConnectError = e.Message;
            return admin;
        }

        await admin.client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(replyTopic).WithAtLeastOnceQoS()).Build());
        return admin;
    }

    /// <summary>Publishes a command; returns the broker's PUBACK reason code (not the reply).</summary>
    public async Task<MqttClientPublishReasonCode> SendAsync(string topic, object? body, string correlation, string? responseTopic = null)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(body is null ? string.Empty : JsonSerializer.Serialize(body))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithResponseTopic(responseTopic ?? replyTopic)
            .WithCorrelationData(Encoding.UTF8.GetBytes(correlation))
            .Build();
        return (await client.PublishAsync(message)).ReasonCode;
    }

    /// <summary>Sends a command and waits for its reply (matched by correlation data).</summary>
    public async Task<JsonElement> RequestAsync(string topic, object? body, string correlation, TimeSpan timeout)
    {
        var code = await SendAsync(topic, body, correlation);
        if (code != MqttClientPublishReasonCode.Success && code != MqttClientPublishReasonCode.NoMatchingSubscribers)
        {
            throw new InvalidOperationException($"The broker refused the command on {topic}: {code}.");
        }

        var deadline = DateTime.UtcNow + timeout;
        while (!replies.ContainsKey(correlation))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No reply with correlation '{correlation}' to {topic} within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(100);
        }

        return replies[correlation];
    }

    /// <summary>Whether a reply with this correlation arrived.</summary>
    public bool HasReply(string correlation) => replies.ContainsKey(correlation);

    /// <summary>The reply with this correlation, which <see cref="HasReply"/> said arrived.</summary>
    public JsonElement Reply(string correlation) => replies[correlation];

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (client.IsConnected)
        {
            await client.DisconnectAsync();
        }

        client.Dispose();
    }
}
