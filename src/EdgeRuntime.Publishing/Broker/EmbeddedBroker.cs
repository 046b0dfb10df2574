using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Publishing.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeRuntime.Publishing.Broker;

/// <summary>
/// An MQTT broker inside the service (MQTTnet.Server), used when no external broker is configured. It binds exactly
/// the configured addresses (loopback, IPv4 and IPv6, by default; never MQTTnet's default of every IPv6 interface),
/// plus a TLS endpoint when a certificate is configured, through <see cref="GuardedTcpServerAdapter"/> (connection,
/// time and packet-size limits). It lets clients in by <see cref="BrokerAccounts"/>, keeps each client id for the
/// account whose session has it (the service's id for the service account always), enforces <see cref="BrokerAcl"/>
/// on every publish, subscription and delivery, and keeps sessions, queued messages and retained messages across
/// restarts (<see cref="BrokerSessions"/>), restored before the service's own client connects.
/// </summary>
internal sealed class EmbeddedBroker(
    MqttOptions options,
    EmbeddedBrokerOptions brokerOptions,
    BrokerAccounts accounts,
    BrokerAcl acl,
    BrokerMetrics metrics,
    string statePath,
    ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
{
    // The role and account of each connected client, by client id, with the connection's remote end point: when a
    // client reconnects before its old connection is noticed dead (a takeover), the old one's disconnection must not
    // remove the new entry.
    private readonly ConcurrentDictionary<string, (CallerRole Role, string Username, string Connection)> clients = new(StringComparer.Ordinal);
    private MqttServer? server;
    private X509Certificate2? certificate;
    private BrokerStore? store;
    private BrokerSessions? sessions;
    private GuardedTcpServerAdapter? adapter;
    private Timer? expiry;

    /// <summary>The broker's state file (sessions, queued and retained messages).</summary>
    public string StatePath => statePath;

    /// <summary>Connections open now (those still connecting included); 0 when it does not run.</summary>
    public int OpenConnections => adapter?.Open ?? 0;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Embedded)
        {
            return;
        }

        store = new BrokerStore(statePath);
        sessions = new BrokerSessions(store, accounts, acl, brokerOptions, logger, TimeProvider.System);
        sessions.Load();
        adapter = new GuardedTcpServerAdapter(brokerOptions, metrics, logger);
        server = new MqttServerFactory().CreateMqttServer(BuildOptions(), [adapter]);
        server.ValidatingConnectionAsync += Validate;
        server.ClientDisconnectedAsync += e =>
        {
            if (e.DisconnectType != MqttClientDisconnectType.Takeover && clients.TryGetValue(e.ClientId, out var entry) && entry.Connection == Connection(e.RemoteEndPoint))
            {
                clients.TryRemove(KeyValuePair.Create(e.ClientId, entry));
                sessions.Disconnected(e.ClientId, e.ReasonCode is null ? null : e.SessionExpiryInterval);
            }

            return Task.CompletedTask;
        };
        server.SessionDeletedAsync += e =>
        {
            sessions.Deleted(e.Id);
            return Task.CompletedTask;
        };
        server.InterceptingPublishAsync += InterceptPublish;
        server.InterceptingSubscriptionAsync += InterceptSubscription;
        server.ClientSubscribedTopicAsync += e =>
        {
            sessions.Subscribed(e.ClientId, e.TopicFilter);
            return Task.CompletedTask;
        };
        server.ClientUnsubscribedTopicAsync += e =>
        {
            sessions.Unsubscribed(e.ClientId, e.TopicFilter);
            return Task.CompletedTask;
        };
        server.InterceptingClientEnqueueAsync += e =>
        {
            // A message the receiver's role may not see is not delivered (a read-only "#" must not show admin replies,
            // nor another account's).
            // A session whose client is away is judged by its account, as when it was connected.
            var receiver = clients.TryGetValue(e.ReceiverClientId, out var entry) ? (entry.Role, entry.Username) : sessions.Account(e.ReceiverClientId);
            e.AcceptEnqueue = receiver is { } r && acl.MayReceive(r.Role, r.Username, e.ApplicationMessage.Topic);
            if (e.AcceptEnqueue)
            {
                sessions.Enqueued(e.ReceiverClientId, e.SenderClientId, e.ApplicationMessage);
            }

            return Task.CompletedTask;
        };
        server.ClientAcknowledgedPublishPacketAsync += e =>
        {
            sessions.Acknowledged(e.ClientId, e.PublishPacket);
            return Task.CompletedTask;
        };
        server.LoadingRetainedMessageAsync += e =>
        {
            e.LoadedRetainedMessages = sessions.Retained();
            return Task.CompletedTask;
        };
        server.RetainedMessageChangedAsync += e =>
        {
            sessions.RetainedChanged(e.ChangedRetainedMessage);
            return Task.CompletedTask;
        };
        server.InterceptingOutboundPacketAsync += async e =>
        {
            if (e.Packet is MqttConnAckPacket { ReasonCode: MqttConnectReasonCode.Success } connAck)
            {
                connAck.MaximumPacketSize = (uint)brokerOptions.MaxPacketBytes;
                await sessions.ResumeAsync(server, e.ClientId, connAck).ConfigureAwait(false);
            }
        };
        await server.StartAsync();
        expiry = new Timer(_ => _ = ExpireAsync(), null, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        var endpoints = string.Join(", ", brokerOptions.EffectiveAddresses.Select(a => Endpoint(a, options.Port)));
        var tls = brokerOptions.Tls.Enabled ? "TLS on " + string.Join(", ", brokerOptions.Tls.EffectiveAddresses.Select(a => Endpoint(a, brokerOptions.Tls.Port))) : "no TLS listener (EdgeRuntime:Broker:Tls)";
        PublishingLog.EmbeddedBrokerStarted(logger, endpoints, tls, accounts.AnonymousAllowed ? "anonymous clients read-only (no account configured)" : "accounts only");
    }

    private async Task ExpireAsync()
    {
        try
        {
            if (server is { IsStarted: true } running)
            {
                await sessions!.ExpireAsync(running).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Microsoft.Data.Sqlite.SqliteException or ObjectDisposedException)
        {
            // Stopping, or the disk refused: the next round tries again.
        }
    }

    private MqttServerOptions BuildOptions()
    {
        // Each endpoint binds one IPv4 and one IPv6 address; IPAddress.None leaves a family unbound.
        var (v4, v6) = Pick(brokerOptions.EffectiveAddresses);
        if (brokerOptions.Addresses is not { Length: > 0 } && !Bindable(v6))
        {
            // The default's ::1 on a machine without IPv6 (some containers): loopback over IPv4 only, said once.
            PublishingLog.NoIpv6Loopback(logger);
            v6 = IPAddress.None;
        }

        // The communication timeout is how long MQTTnet waits for CONNECT (and for a DISCONNECT to go out).
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(v4)
            .WithDefaultEndpointBoundIPV6Address(v6)
            .WithDefaultEndpointPort(options.Port)
            .WithDefaultCommunicationTimeout(TimeSpan.FromSeconds(brokerOptions.ConnectTimeoutSeconds))
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(brokerOptions.MaxQueuedMessagesPerSession);
        if (brokerOptions.Tls.Enabled)
        {
            var tls = brokerOptions.Tls;
            try
            {
                certificate = X509Certificate2.CreateFromPemFile(tls.CertificateFile!, tls.KeyFile);
            }
            catch (Exception e) when (e is CryptographicException or IOException or ArgumentException)
            {
                throw new InvalidOperationException($"{EmbeddedBrokerOptions.Section}:Tls: cannot load the certificate '{tls.CertificateFile}' with the key '{tls.KeyFile}': {e.Message}", e);
            }

            var (tlsV4, tlsV6) = Pick(tls.EffectiveAddresses);
            if (tls.Addresses is not { Length: > 0 } && !Bindable(tlsV6))
            {
                tlsV6 = IPAddress.None;
            }

            builder.WithEncryptedEndpoint()
                .WithEncryptedEndpointPort(tls.Port)
                .WithEncryptedEndpointBoundIPAddress(tlsV4)
                .WithEncryptedEndpointBoundIPV6Address(tlsV6)
                .WithEncryptionCertificate(certificate)
                .WithEncryptionSslProtocol(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
        }

        return builder.Build();
    }

    private Task Validate(ValidatingConnectionEventArgs e)
    {
        var remote = e.RemoteEndPoint?.ToString() ?? "?";
        var user = e.UserName ?? string.Empty;
        var role = accounts.Authenticate(e.UserName, e.Password);
        if (role is null)
        {
            Refuse(e, MqttConnectReasonCode.BadUserNameOrPassword, Refusal.BadCredentials, "bad user name or password");
            return Task.CompletedTask;
        }

        if (string.IsNullOrEmpty(e.ClientId))
        {
            // Standard clients (mosquitto_sub) send no client id: MQTT 5 lets the server assign one, and MQTT 3.1.1
            // allows it with a clean session (the server makes one up). A 3.1.1 CONNECT without an id and without a
            // clean session, or a 3.1 one without an id, never gets here: the listener answers it (ConnectClientIdCheck).
            var assigned = $"auto-{Guid.NewGuid():N}";
            ConnectPacketOf(e).ClientId = assigned;
            e.AssignedClientIdentifier = assigned;
        }

        if (e.ClientId == accounts.ServiceClientId && role != CallerRole.Service)
        {
            // Taking the node's client id would disconnect the node (MQTT session takeover): only the service may.
            Refuse(e, MqttConnectReasonCode.ClientIdentifierNotValid, Refusal.ClientIdTaken, "the client id is the node's own");
            return Task.CompletedTask;
        }

        // A client id belongs to the account whose session has it (connected, or persistent and not expired):
        // another account connecting with it would take that session over, and its queued messages with it.
        var owner = clients.TryGetValue(e.ClientId, out var live) ? live.Username : sessions!.Owner(e.ClientId);
        if (owner is not null && owner != user)
        {
            Refuse(e, MqttConnectReasonCode.ClientIdentifierNotValid, Refusal.ClientIdTaken, $"the client id belongs to another account's session");
            return Task.CompletedTask;
        }

        sessions!.Connecting(e.ClientId, user, e.ProtocolVersion, e.CleanSession == true, e.SessionExpiryInterval);
        clients[e.ClientId] = (role.Value, user, Connection(e.RemoteEndPoint));
        return Task.CompletedTask;

        void Refuse(ValidatingConnectionEventArgs args, MqttConnectReasonCode code, string reason, string why)
        {
            args.ReasonCode = code;
            metrics.Refused(reason);
            PublishingLog.BrokerConnectionRefused(logger, args.ClientId ?? string.Empty, user, remote, why);
        }
    }

    // MQTTnet assigns a client id only to MQTT 5 clients, after the validation handler has run; the id is needed
    // during it (roles, sessions) and for 3.1.1 clients too, so it is set on the CONNECT packet itself.
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_connectPacket")]
    private static extern ref MqttConnectPacket ConnectPacketOf(ValidatingConnectionEventArgs e);

    private Task InterceptPublish(InterceptingPublishEventArgs e)
    {
        var message = e.ApplicationMessage;
        var topic = message.Topic;
        var known = clients.TryGetValue(e.ClientId, out var entry);
        if (!known || !acl.MayPublish(entry.Role, topic, message.Retain) || !acl.MayNameResponseTopic(entry.Role, entry.Username, message.ResponseTopic))
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            var roleName = known ? entry.Role.ToString() : "unknown";
            PublishingLog.PublishRefused(logger, topic, e.ClientId, e.UserName ?? string.Empty, roleName);
            return Task.CompletedTask;
        }

        if (string.IsNullOrEmpty(message.ResponseTopic) && acl.DefaultResponseTopic(entry.Role, entry.Username, topic) is { } replyTo)
        {
            // A request that names no response topic is answered in its account's own reply tree, not a shared one.
            message.ResponseTopic = replyTo;
        }

        sessions!.Published(e.ClientId, message);
        return Task.CompletedTask;
    }

    private Task InterceptSubscription(InterceptingSubscriptionEventArgs e)
    {
        var filter = e.TopicFilter.Topic;
        if (!clients.TryGetValue(e.ClientId, out var entry) || !acl.MaySubscribe(entry.Role, entry.Username, filter))
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            PublishingLog.SubscriptionRefusedByBroker(logger, filter, e.ClientId, e.UserName ?? string.Empty);
        }

        return Task.CompletedTask;
    }

    private static bool Bindable(IPAddress address)
    {
        try
        {
            using var socket = new System.Net.Sockets.Socket(address.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, 0));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static string Connection(EndPoint? remote) => remote?.ToString() ?? string.Empty;

    private static (IPAddress V4, IPAddress V6) Pick(IReadOnlyList<string> addresses)
    {
        var parsed = addresses.Select(IPAddress.Parse).ToList();
        return (parsed.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? IPAddress.None,
            parsed.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) ?? IPAddress.None);
    }

    private static string Endpoint(string address, int port) => address.Contains(':', StringComparison.Ordinal) ? $"[{address}]:{port}" : $"{address}:{port}";

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (expiry is not null)
        {
            await expiry.DisposeAsync();
        }

        if (server is not null)
        {
            await server.StopAsync(new MqttServerStopOptions());
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        expiry?.Dispose();
        server?.Dispose(); // and its adapter
        store?.Dispose();
        certificate?.Dispose();
    }
}
