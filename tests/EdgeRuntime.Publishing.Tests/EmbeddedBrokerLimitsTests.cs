using System.Net;
using System.Net.Sockets;
using EdgeRuntime.Publishing.Broker;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.TestSupport;
using MQTTnet;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Publishing.Tests;

/// <summary>
/// The embedded broker under clients that never finish connecting, that open more connections than it keeps, and
/// that send packets larger than it takes: raw sockets and real clients over loopback, with the figures written to
/// the test output.
/// </summary>
public sealed class EmbeddedBrokerLimitsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Connections_that_never_send_connect_or_start_tls_are_closed_and_a_real_client_still_gets_in()
    {
        using var certificates = new TestCertificates();
        var options = new EmbeddedBrokerOptions { ConnectTimeoutSeconds = 1, MaxConnections = 64 };
        options.ReadOnlyAccounts.Add(new BrokerAccountOptions { Username = "lis", Password = "lis-secret" });
        options.Tls.CertificateFile = certificates.ServerCertificate;
        options.Tls.KeyFile = certificates.ServerKey;
        options.Tls.Port = Mosquitto.FreePort();
        options.Tls.Addresses = ["127.0.0.1"];
        options.Addresses = ["127.0.0.1"];
        await using var broker = await RunningBroker.StartAsync(RunningBroker.Accounts(), options);

        // 20 connections to the TLS port that never start the handshake (first, so that they are within the limit),
        // and 200 plain ones that never send CONNECT.
        var sockets = new List<Socket>();
        foreach (var port in Enumerable.Repeat(options.Tls.Port, 20).Concat(Enumerable.Repeat(broker.Port, 200)))
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port);
            sockets.Add(socket);
        }

        try
        {
            // Each is closed by the broker: a read returns the end of the stream (or a reset), never data.
            var closed = await Task.WhenAll(sockets.Select(ClosedByPeerAsync));
            Assert.All(closed, Assert.True);
            await WaitUntil(() => broker.OpenConnections == 0);

            var timedOut = broker.Metrics.Count(Refusal.ConnectTimeout);
            var overLimit = broker.Metrics.Count(Refusal.TooManyConnections);
            Assert.Equal(sockets.Count, timedOut + overLimit);
            Assert.True(timedOut >= options.MaxConnections, $"{timedOut} timed out");
            Assert.Contains("no CONNECT within 1 s", broker.Log.Text);
            Assert.Contains("no TLS handshake within 1 s", broker.Log.Text);

            await using var lis = await BrokerClient.ConnectAsync(broker.Port, "lis", "lis-secret");
            Assert.Equal(MqttClientConnectResultCode.Success, lis.Result);
            output.WriteLine($"idle connections opened {sockets.Count} (200 plain, 20 TLS), closed by the broker {closed.Count(c => c)}: {timedOut} after the connect timeout, {overLimit} at once over MaxConnections {options.MaxConnections}; a real client connected afterwards");
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_publish_larger_than_the_packet_limit_closes_its_connection_and_the_broker_keeps_serving()
    {
        var options = new EmbeddedBrokerOptions { MaxPacketBytes = 64 * 1024 };
        options.ReadOnlyAccounts.Add(new BrokerAccountOptions { Username = "lis", Password = "lis-secret" });
        await using var broker = await RunningBroker.StartAsync(RunningBroker.Accounts(), options);
        var topic = $"{broker.Root}/slides/abc/result";
        await using var lis = await BrokerClient.ConnectAsync(broker.Port, "lis", "lis-secret");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await lis.SubscribeAsync(topic));

        await using var service = await BrokerClient.ConnectAsync(broker.Port, "svc", "svc-secret");
        var tooLarge = new string('x', 100 * 1024);
        await Assert.ThrowsAnyAsync<Exception>(() => service.PublishAsync(topic, tooLarge));
        await WaitUntil(() => !service.Connected);
        Assert.Equal(1, broker.Metrics.Count(Refusal.PacketTooLarge));
        Assert.Contains("more than the 65536 allowed", broker.Log.Text);

        // A CONNECT is limited before the client is known: a 100 KiB password does not get read.
        await using var huge = await BrokerClient.ConnectAsync(broker.Port, "lis", tooLarge);
        Assert.NotEqual(MqttClientConnectResultCode.Success, huge.Result);
        Assert.Equal(2, broker.Metrics.Count(Refusal.PacketTooLarge));

        // The broker keeps serving: a message within the limit goes through.
        await using var again = await BrokerClient.ConnectAsync(broker.Port, "svc", "svc-secret");
        Assert.Equal(MqttClientPublishReasonCode.Success, await again.PublishAsync(topic, new string('y', 60 * 1024)));
        await WaitUntil(() => lis.Received.Contains(topic));
        Assert.DoesNotContain(lis.Payloads, p => p.Payload == tooLarge);
        output.WriteLine($"publish of {tooLarge.Length + topic.Length + 4} bytes over MaxPacketBytes 65536: connection closed, not delivered; CONNECT of 100 KiB refused; a 60 KiB publish afterwards delivered");
    }

    [Fact]
    public void The_limits_and_an_admin_account_named_as_the_built_in_service_account_are_refused_at_start_with_their_keys()
    {
        var limits = new EmbeddedBrokerOptions { ConnectTimeoutSeconds = 0, MaxConnections = 0, MaxPacketBytes = 100, MaxQueuedMessagesPerSession = 0, MaxSessionExpiryHours = -1 };
        var errors = limits.Validate(true, ["svc"]).ToList();
        foreach (var key in new[] { "ConnectTimeoutSeconds", "MaxConnections", "MaxPacketBytes", "MaxQueuedMessagesPerSession", "MaxSessionExpiryHours" })
        {
            Assert.Contains(errors, e => e.StartsWith($"EdgeRuntime:Broker:{key} must", StringComparison.Ordinal));
        }

        // Without a service account configured, the service connects as the built-in one: an admin of that name
        // would replace it, and the service would be refused by its own broker.
        var mqtt = new MqttOptions { AdminUsername = ServiceAccount.BuiltInUsername, AdminPassword = "secret" };
        Assert.Contains(mqtt.Validate(), e => e.StartsWith("EdgeRuntime:Mqtt:AdminUsername must not be 'edgeruntime-service'", StringComparison.Ordinal));

        var readOnly = new EmbeddedBrokerOptions();
        readOnly.ReadOnlyAccounts.Add(new BrokerAccountOptions { Username = ServiceAccount.BuiltInUsername, Password = "p" });
        readOnly.ReadOnlyAccounts.Add(new BrokerAccountOptions { Username = "lis/2", Password = "p" });
        var accountErrors = readOnly.Validate(true, ["svc"]).ToList();
        Assert.Contains(accountErrors, e => e.StartsWith("EdgeRuntime:Broker:ReadOnlyAccounts:0:Username 'edgeruntime-service' is already an account", StringComparison.Ordinal));
        Assert.Contains(accountErrors, e => e.StartsWith("EdgeRuntime:Broker:ReadOnlyAccounts:1:Username 'lis/2' must not contain", StringComparison.Ordinal));
    }

    private static async Task<bool> ClosedByPeerAsync(Socket socket)
    {
        var buffer = new byte[16];
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, patience.Token) == 0;
        }
        catch (SocketException)
        {
            return true; // reset by the broker
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await Task.Delay(50);
        }
    }
}
