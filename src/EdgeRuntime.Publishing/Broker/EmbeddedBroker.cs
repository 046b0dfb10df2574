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
public sealed class EmbeddedBroker(MqttOptions options, TopicMap topics, ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
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
            // The request ACL: admin requests (below {root}/admin/) come from the admin user only; replies (below
            // .../admin/replies/ and .../requests/replies/) from the service's own account, never the admin's;
            // requests to tasks (below {root}/requests/) from any account, as the read-only role.
            var topic = e.ApplicationMessage.Topic;
            var isAdmin = options.AdminEnabled && e.UserName == options.AdminUsername;
            var refused = topics.IsReplyTopic(topic)
                ? isAdmin || (!string.IsNullOrEmpty(options.Username) && e.UserName != options.Username)
                : TopicMap.IsAtOrBelow(topic, topics.AdminRoot) && !isAdmin;
            if (refused)
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
