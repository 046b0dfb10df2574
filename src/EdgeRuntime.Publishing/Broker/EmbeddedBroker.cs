using System.Net;
using EdgeRuntime.Publishing.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeRuntime.Publishing.Broker;


/// <summary>
/// An MQTT broker inside the service (MQTTnet.Server), bound to 127.0.0.1 only, used when no external broker
/// is configured. With a user name and password configured, it refuses clients without them. It carries the
/// admin ACL: only the admin user may publish admin requests, and the admin user may not forge replies.
/// </summary>
public sealed class EmbeddedBroker(MqttOptions options, ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
{
    private MqttServer? server;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Embedded)
        {
            return;
        }

        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(options.Port)
            .Build();
        server = new MqttServerFactory().CreateMqttServer(serverOptions);
        server.ValidatingConnectionAsync += e =>
        {
            var admin = options.AdminEnabled && e.UserName == options.AdminUsername;
            if (admin ? e.Password != options.AdminPassword : !string.IsNullOrEmpty(options.Username) && (e.UserName != options.Username || e.Password != options.Password))
            {
                e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            }

            return Task.CompletedTask;
        };
        server.InterceptingPublishAsync += e =>
        {
            // The admin ACL: requests under {root}/admin/ come from the admin user only. Replies go below
            // {root}/admin/replies/ (or wherever the requester asked), from the service's own client.
            var topic = e.ApplicationMessage.Topic;
            var adminTopic = topic.StartsWith($"{options.Root}/admin/", StringComparison.Ordinal);
            var replyTopic = topic == options.AdminReplyRoot || topic.StartsWith($"{options.AdminReplyRoot}/", StringComparison.Ordinal);
            var isAdmin = options.AdminEnabled && e.UserName == options.AdminUsername;
            if (adminTopic && (replyTopic ? isAdmin : !isAdmin))
            {
                e.ProcessPublish = false;
                e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
                PublishingLog.AdminPublishRefused(logger, topic, e.ClientId, e.UserName ?? string.Empty);
            }

            return Task.CompletedTask;
        };
        await server.StartAsync();
        PublishingLog.EmbeddedBrokerStarted(logger, options.Port);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server is not null)
        {
            await server.StopAsync(new MqttServerStopOptions());
        }
    }

    /// <inheritdoc />
    public void Dispose() => server?.Dispose();
}
