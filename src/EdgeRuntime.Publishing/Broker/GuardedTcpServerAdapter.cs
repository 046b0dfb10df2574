using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace EdgeRuntime.Publishing.Broker;

/// <summary>
/// The embedded broker's TCP listeners, in place of MQTTnet's own, for the limits MQTTnet lacks: at most
/// <see cref="EmbeddedBrokerOptions.MaxConnections"/> connections open at once (one more is closed when accepted), a
/// TLS handshake within <see cref="EmbeddedBrokerOptions.ConnectTimeoutSeconds"/> (MQTTnet waits forever), and
/// packets no larger than <see cref="EmbeddedBrokerOptions.MaxPacketBytes"/>, checked before their body is read, and
/// a CONNECT with an empty client id its protocol version does not allow answered as the standard says
/// (<see cref="ConnectClientIdCheck"/>). The
/// CONNECT deadline is MQTTnet's communication timeout, which the broker sets to the same value. It binds the
/// endpoints' IPv4 and IPv6 addresses as MQTTnet would.
/// </summary>
internal sealed class GuardedTcpServerAdapter(EmbeddedBrokerOptions limits, BrokerMetrics metrics, ILogger logger) : IMqttServerAdapter
{
    private readonly List<Socket> listeners = [];
    private CancellationTokenSource? stopping;
    private int open;
    private long refusedSinceReport;
    private long lastReportTicks;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>Connections open now, those still connecting included.</summary>
    public int Open => Volatile.Read(ref open);

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        stopping = new CancellationTokenSource();
        foreach (var endpoint in new MqttServerTcpEndpointBaseOptions[] { options.DefaultEndpointOptions, options.TlsEndpointOptions })
        {
            if (!endpoint.IsEnabled)
            {
                continue;
            }

            var certificate = (endpoint as MqttServerTlsTcpEndpointOptions)?.CertificateProvider?.GetCertificate();
            foreach (var address in new[] { endpoint.BoundInterNetworkAddress, endpoint.BoundInterNetworkV6Address }.Where(a => !a.Equals(IPAddress.None)))
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                if (address.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    socket.DualMode = false;
                }

                // A restart right after a kill finds the port's old connections in TIME_WAIT; Linux lets a new listener bind only with this.
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(address, endpoint.Port));
                socket.Listen(endpoint.ConnectionBacklog);
                listeners.Add(socket);
                _ = AcceptAsync(socket, options, endpoint, certificate, logger, stopping.Token);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync()
    {
        stopping?.Cancel();
        foreach (var socket in listeners)
        {
            socket.Dispose();
        }

        listeners.Clear();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        StopAsync();
        stopping?.Dispose();
        stopping = null;
    }

    private async Task AcceptAsync(Socket listener, MqttServerOptions options, MqttServerTcpEndpointBaseOptions endpoint, X509Certificate2? certificate, IMqttNetLogger mqttLogger, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // the client went away between SYN and accept
            }

            if (Interlocked.Increment(ref open) > limits.MaxConnections)
            {
                Interlocked.Decrement(ref open);
                client.Dispose();
                metrics.Refused(Refusal.TooManyConnections);
                ReportRefused();
                continue;
            }

            _ = Task.Run(() => ServeAsync(client, options, endpoint, certificate, mqttLogger, cancellationToken), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket client, MqttServerOptions options, MqttServerTcpEndpointBaseOptions endpoint, X509Certificate2? certificate, IMqttNetLogger mqttLogger, CancellationToken cancellationToken)
    {
        var remote = client.RemoteEndPoint;
        var remoteName = remote?.ToString() ?? "?";
        Stream stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            client.NoDelay = endpoint.NoDelay;
            X509Certificate2? clientCertificate = null;
            if (certificate is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(TimeSpan.FromSeconds(limits.ConnectTimeoutSeconds));
                try
                {
                    await tls.AuthenticateAsServerAsync(
                        new SslServerAuthenticationOptions
                        {
                            ServerCertificate = certificate,
                            EnabledSslProtocols = ((MqttServerTlsTcpEndpointOptions)endpoint).SslProtocol,
                            EncryptionPolicy = EncryptionPolicy.RequireEncryption,
                        },
                        deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    metrics.Refused(Refusal.ConnectTimeout);
                    BrokerLog.ConnectionClosed(logger, remoteName, $"no TLS handshake within {limits.ConnectTimeoutSeconds:0.#} s");
                    return;
                }

                clientCertificate = tls.RemoteCertificate as X509Certificate2;
            }

            var limited = new PacketSizeLimitedStream(stream, EmbeddedBrokerOptions.MaxConnectPacketBytes, limits.MaxPacketBytes, (size, limit) =>
            {
                metrics.Refused(Refusal.PacketTooLarge);
                BrokerLog.ConnectionClosed(logger, remoteName, $"a packet of {size} bytes, more than the {limit} allowed (EdgeRuntime:Broker:MaxPacketBytes)");
            }, connect =>
            {
                if (ConnectClientIdCheck.Refusal(connect, out var user) is not { } why)
                {
                    return null;
                }

                metrics.Refused(Refusal.ClientIdRejected);
                Mqtt.PublishingLog.BrokerConnectionRefused(logger, string.Empty, user, remoteName, why);
                return ConnectClientIdCheck.IdentifierRejected;
            });
            stream = limited;
            var handler = ClientHandler;
            if (handler is null)
            {
                return;
            }

            var channel = new MqttTcpChannel(limited, ListenerEndPoint(endpoint), remote, clientCertificate);
            using var adapter = new MqttChannelAdapter(channel, new MqttPacketFormatterAdapter(new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax)), mqttLogger)
            {
                AllowPacketFragmentation = endpoint.AllowPacketFragmentation,
            };
            var started = Environment.TickCount64;
            await handler(adapter).ConfigureAwait(false);
            if (!limited.SawPacket && Environment.TickCount64 - started >= limits.ConnectTimeoutSeconds * 900)
            {
                // MQTTnet gave up waiting for CONNECT (its communication timeout is the connect timeout).
                metrics.Refused(Refusal.ConnectTimeout);
                BrokerLog.ConnectionClosed(logger, remoteName, $"no CONNECT within {limits.ConnectTimeoutSeconds:0.#} s");
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            // The client went away or broke the protocol: its connection ends here.
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            Interlocked.Decrement(ref open);
        }
    }

    private static IPEndPoint ListenerEndPoint(MqttServerTcpEndpointBaseOptions endpoint) => new(endpoint.BoundInterNetworkAddress, endpoint.Port);

    // A flood of refusals is said once, then at most every ten seconds with how many there were.
    private void ReportRefused()
    {
        Interlocked.Increment(ref refusedSinceReport);
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref lastReportTicks);
        if ((last == 0 || now - last >= 10_000) && Interlocked.CompareExchange(ref lastReportTicks, now, last) == last)
        {
            BrokerLog.TooManyConnections(logger, Interlocked.Exchange(ref refusedSinceReport, 0), limits.MaxConnections);
        }
    }
}
