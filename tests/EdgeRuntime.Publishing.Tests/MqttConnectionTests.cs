using System.Text.Json;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.TestSupport;
using MQTTnet;
using MQTTnet.Server;
using Xunit;

namespace EdgeRuntime.Publishing.Tests;

/// <summary>
/// The service's MQTT connection to a real external broker (Debian's Mosquitto): TLS with certificates the test makes
/// with openssl, a session taken over by another client, and the last will when the node goes away uncleanly.
/// </summary>
public sealed class MqttConnectionTests
{
    private static MqttOptions Tls(Mosquitto broker, string caFile, string? serverName = null) => new()
    {
        Host = "127.0.0.1",
        Port = broker.TlsPort,
        UseTls = true,
        NodeId = "box1",
        Tls = { CaFile = caFile, ServerName = serverName },
    };

    [Fact]
    public async Task Over_tls_it_connects_to_a_broker_whose_certificate_chains_to_the_configured_ca()
    {
        using var certificates = new TestCertificates();
        using var broker = new Mosquitto(null, null, new MosquittoTls(certificates.CaFile, certificates.ServerCertificate, certificates.ServerKey, RequireClientCertificate: false));
        using var service = new ServiceConnection(Tls(broker, certificates.CaFile));
        Assert.Empty(service.Options.Validate());

        await service.Connection.EnsureConnectedAsync(CancellationToken.None);
        Assert.True(service.Connection.IsReady, service.Log.Text);
    }

    [Fact]
    public async Task A_certificate_from_another_ca_fails_the_connection_with_the_reason_logged()
    {
        using var certificates = new TestCertificates();
        using var broker = new Mosquitto(null, null, new MosquittoTls(certificates.CaFile, certificates.ServerCertificate, certificates.ServerKey, RequireClientCertificate: false));
        using var service = new ServiceConnection(Tls(broker, certificates.RogueCaFile));

        await Assert.ThrowsAnyAsync<Exception>(() => service.Connection.EnsureConnectedAsync(CancellationToken.None));
        Assert.False(service.Connection.IsReady);
        Assert.Contains("certificate 'CN=localhost' does not chain to the configured CA", service.Log.Text);
    }

    [Fact]
    public async Task A_certificate_for_another_server_name_fails_the_connection_with_the_reason_logged()
    {
        using var certificates = new TestCertificates();
        using var broker = new Mosquitto(null, null, new MosquittoTls(certificates.CaFile, certificates.ElsewhereCertificate, certificates.ElsewhereKey, RequireClientCertificate: false));
        using var service = new ServiceConnection(Tls(broker, certificates.CaFile));

        await Assert.ThrowsAnyAsync<Exception>(() => service.Connection.EnsureConnectedAsync(CancellationToken.None));
        Assert.Contains("does not name the server '127.0.0.1'", service.Log.Text);
    }

    [Fact]
    public async Task A_broker_that_requires_a_client_certificate_admits_the_service_with_its_certificate_only()
    {
        using var certificates = new TestCertificates();
        using var broker = new Mosquitto(null, null, new MosquittoTls(certificates.CaFile, certificates.ServerCertificate, certificates.ServerKey, RequireClientCertificate: true));

        using (var without = new ServiceConnection(Tls(broker, certificates.CaFile)))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => without.Connection.EnsureConnectedAsync(CancellationToken.None));
        }

        var options = Tls(broker, certificates.CaFile);
        options.Tls.CertificateFile = certificates.ClientCertificate;
        options.Tls.KeyFile = certificates.ClientKey;
        using var with = new ServiceConnection(options);
        await with.Connection.EnsureConnectedAsync(CancellationToken.None);
        Assert.True(with.Connection.IsReady, with.Log.Text + broker.Log);
    }

    [Fact]
    public void Tls_settings_are_checked_at_start_with_their_keys()
    {
        var options = new MqttOptions { Host = "broker", UseTls = false, Tls = { CaFile = "/nonexistent/ca.crt", CertificateFile = "client.crt" } };
        var errors = options.Validate().ToList();
        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Mqtt:Tls is set but EdgeRuntime:Mqtt:UseTls is false", StringComparison.Ordinal));
        Assert.Contains(errors, e => e == "EdgeRuntime:Mqtt:Tls:CertificateFile and EdgeRuntime:Mqtt:Tls:KeyFile must be set together.");
        Assert.Contains(errors, e => e == "EdgeRuntime:Mqtt:Tls:CaFile: '/nonexistent/ca.crt' not found.");
    }

    [Fact]
    public async Task A_client_that_takes_the_nodes_session_over_on_an_external_broker_is_logged_with_the_reason_code_and_counted()
    {
        // An external broker that says why it disconnects (MQTT 5 DISCONNECT 0x8E), as MQTTnet's own broker does.
        // Debian 12's Mosquitto 2.0.11 closes the old connection without a DISCONNECT (checked by hand with a raw
        // socket), so there the service can only see a lost connection, which it counts too.
        var port = Mosquitto.FreePort();
        using var server = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder().WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(System.Net.IPAddress.Loopback).WithDefaultEndpointBoundIPV6Address(System.Net.IPAddress.None).WithDefaultEndpointPort(port).Build());
        await server.StartAsync();
        using var service = new ServiceConnection(new MqttOptions { Host = "127.0.0.1", Port = port, NodeId = "box1" });
        await service.Connection.EnsureConnectedAsync(CancellationToken.None);

        await using var thief = await BrokerClient.ConnectAsync(port, null, null, clientId: "edgeruntime-box1");
        Assert.Equal(MqttClientConnectResultCode.Success, thief.Result);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (service.Metrics.SessionTakeovers == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(service.Metrics.SessionTakeovers == 1, service.Log.Text);
        Assert.Contains("took its session over (MQTT 5 reason 0x8E SessionTakenOver)", service.Log.Text);
        await server.StopAsync();
    }

    [Fact]
    public async Task When_the_node_goes_away_uncleanly_its_will_says_so_and_the_heartbeat_keeps_when_it_was_last_seen()
    {
        using var broker = new Mosquitto();
        await using var lis = await MqttProbe.StartAsync(broker.Port);
        var service = new ServiceConnection(new MqttOptions { Host = "127.0.0.1", Port = broker.Port, NodeId = "box1" });
        await service.Connection.EnsureConnectedAsync(CancellationToken.None);
        var beat = DateTimeOffset.UtcNow;
        await service.Connection.Client.PublishAsync(service.Node.Heartbeat());
        await lis.WaitForAsync(p => p.On("box1/heartbeat").Count > 0, TimeSpan.FromSeconds(20), "the heartbeat");

        // Gone without a DISCONNECT: the broker publishes the will.
        service.Dispose();
        await lis.WaitForAsync(p => p.On("box1/status").Any(s => s.Payload.GetProperty("state").GetString() == "offline"), TimeSpan.FromSeconds(60), "the will");

        var will = lis.On("box1/status")[^1].Payload;
        Assert.False(will.GetProperty("clean").GetBoolean());
        Assert.Equal("edgeruntime/box1/heartbeat", will.GetProperty("lastSeenTopic").GetString());
        Assert.False(will.TryGetProperty("at", out _), "a will cannot know when it is published, so it claims no time");
        var lastSeen = lis.On("box1/heartbeat")[^1].Payload.GetProperty("lastSeen").GetDateTimeOffset();
        Assert.InRange(lastSeen, beat.AddSeconds(-5), DateTimeOffset.UtcNow);
        Assert.Equal(JsonValueKind.String, will.GetProperty("since").ValueKind);
    }
}
