using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Publishing.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeRuntime.Publishing.Broker;

/// <summary>
/// An MQTT broker inside the service (MQTTnet.Server), used when no external broker is configured. It binds exactly
/// the configured addresses (loopback, IPv4 and IPv6, by default; never MQTTnet's default of every IPv6 interface),
/// plus a TLS endpoint when a certificate is configured. It lets clients in by <see cref="BrokerAccounts"/>, keeps the
/// service's client id for the service account, and enforces <see cref="BrokerAcl"/> on every publish, subscription
/// and delivery.
/// </summary>
public sealed class EmbeddedBroker(
    MqttOptions options,
    EmbeddedBrokerOptions brokerOptions,
    BrokerAccounts accounts,
    BrokerAcl acl,
    ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
{
    // The role of each connected client, by client id, with the connection's remote end point: when a client reconnects
    // before its old connection is noticed dead (a takeover), the old one's disconnection must not remove the new role.
    private readonly ConcurrentDictionary<string, (CallerRole Role, string Connection)> roles = new(StringComparer.Ordinal);
    private MqttServer? server;
    private X509Certificate2? certificate;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Embedded)
        {
            return;
        }

        server = new MqttServerFactory().CreateMqttServer(BuildOptions());
        server.ValidatingConnectionAsync += Validate;
        server.ClientDisconnectedAsync += e =>
        {
            if (roles.TryGetValue(e.ClientId, out var entry) && entry.Connection == Connection(e.RemoteEndPoint))
            {
                roles.TryRemove(KeyValuePair.Create(e.ClientId, entry));
            }

            return Task.CompletedTask;
        };
        server.InterceptingPublishAsync += InterceptPublish;
        server.InterceptingSubscriptionAsync += InterceptSubscription;
        server.InterceptingClientEnqueueAsync += e =>
        {
            // A message the receiver's role may not see is not delivered (a read-only "#" must not show admin replies).
            e.AcceptEnqueue = roles.TryGetValue(e.ReceiverClientId, out var entry) && acl.MayReceive(entry.Role, e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
        await server.StartAsync();
        var endpoints = string.Join(", ", brokerOptions.EffectiveAddresses.Select(a => Endpoint(a, options.Port)));
        var tls = brokerOptions.Tls.Enabled ? "TLS on " + string.Join(", ", brokerOptions.Tls.EffectiveAddresses.Select(a => Endpoint(a, brokerOptions.Tls.Port))) : "no TLS listener (EdgeRuntime:Broker:Tls)";
        PublishingLog.EmbeddedBrokerStarted(logger, endpoints, tls, accounts.AnonymousAllowed ? "anonymous clients read-only (no account configured)" : "accounts only");
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

        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(v4)
            .WithDefaultEndpointBoundIPV6Address(v6)
            .WithDefaultEndpointPort(options.Port);
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
        var role = accounts.Authenticate(e.UserName, e.Password);
        if (role is null)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            PublishingLog.BrokerConnectionRefused(logger, e.ClientId, e.UserName ?? string.Empty, e.RemoteEndPoint?.ToString() ?? "?", "bad user name or password");
            return Task.CompletedTask;
        }

        if (e.ClientId == accounts.ServiceClientId && role != CallerRole.Service)
        {
            // Taking the node's client id would disconnect the node (MQTT session takeover): only the service may.
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            PublishingLog.BrokerConnectionRefused(logger, e.ClientId, e.UserName ?? string.Empty, e.RemoteEndPoint?.ToString() ?? "?", "the client id is the node's own");
            return Task.CompletedTask;
        }

        roles[e.ClientId] = (role.Value, Connection(e.RemoteEndPoint));
        return Task.CompletedTask;
    }

    private Task InterceptPublish(InterceptingPublishEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        var known = roles.TryGetValue(e.ClientId, out var entry);
        var role = entry.Role;
        if (!known || !acl.MayPublish(role, topic, e.ApplicationMessage.Retain))
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            var roleName = known ? role.ToString() : "unknown";
            PublishingLog.PublishRefused(logger, topic, e.ClientId, e.UserName ?? string.Empty, roleName);
        }

        return Task.CompletedTask;
    }

    private Task InterceptSubscription(InterceptingSubscriptionEventArgs e)
    {
        var filter = e.TopicFilter.Topic;
        if (!roles.TryGetValue(e.ClientId, out var entry) || !acl.MaySubscribe(entry.Role, filter))
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
        if (server is not null)
        {
            await server.StopAsync(new MqttServerStopOptions());
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        server?.Dispose();
        certificate?.Dispose();
    }
}
