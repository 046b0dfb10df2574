using System.Net;
using System.Security.Cryptography.X509Certificates;
using EdgeRuntime.Publishing.Broker;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.TestSupport;
using MQTTnet;
using Xunit;

namespace EdgeRuntime.Publishing.Tests;

/// <summary>
/// The embedded broker as a hospital's security review would probe it: where it listens (read from the kernel's
/// socket table), who gets in, what each role may publish, subscribe to and receive, the node's client id, and TLS.
/// A real MQTTnet broker and real clients over loopback sockets.
/// </summary>
public sealed class EmbeddedBrokerTests
{
    // 127.0.0.1, and ::1 where the machine has it (some containers have no IPv6; the broker then says so and uses IPv4).
    private static readonly HashSet<IPAddress> Loopbacks = HasIpv6Loopback() ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback];

    [Fact]
    public async Task By_default_it_listens_on_the_ipv4_and_ipv6_loopback_addresses_and_nowhere_else()
    {
        await using var broker = await RunningBroker.StartAsync(RunningBroker.Accounts());

        // Without the fix, MQTTnet's default endpoint also bound [::] (every IPv6 interface).
        Assert.Equal(Loopbacks, ListeningSockets.On(broker.Port));
        if (Loopbacks.Contains(IPAddress.IPv6Loopback))
        {
            await using var overIpv6 = await BrokerClient.ConnectAsync(broker.Port, "svc", "svc-secret", host: "::1");
            Assert.Equal(MqttClientConnectResultCode.Success, overIpv6.Result);
        }
    }

    [Fact]
    public async Task It_binds_exactly_the_configured_addresses()
    {
        var options = new EmbeddedBrokerOptions { Addresses = ["127.0.0.1"] };
        await using var broker = await RunningBroker.StartAsync(RunningBroker.Accounts(), options);
        Assert.Equal(new HashSet<IPAddress> { IPAddress.Loopback }, ListeningSockets.On(broker.Port));
    }

    [Fact]
    public void Listening_beyond_loopback_is_refused_at_start_unless_over_tls_with_accounts_and_the_key_is_named()
    {
        var plain = new EmbeddedBrokerOptions { Addresses = ["0.0.0.0"] };
        var error = Assert.Single(plain.Validate(anyAccount: true, ["svc"]));
        Assert.StartsWith("EdgeRuntime:Broker:Addresses:0 is '0.0.0.0', not a loopback address", error);

        using var certificates = new TestCertificates();
        var tls = new EmbeddedBrokerOptions();
        tls.Tls.CertificateFile = certificates.ServerCertificate;
        tls.Tls.KeyFile = certificates.ServerKey;
        tls.Tls.Addresses = ["0.0.0.0", "::"];
        Assert.Contains(tls.Validate(anyAccount: false, ["edgeruntime-service"]), e => e.StartsWith("EdgeRuntime:Broker:Tls:Addresses reaches beyond this machine, so the broker needs accounts", StringComparison.Ordinal));
        Assert.Empty(tls.Validate(anyAccount: true, ["svc"]));

        var twoOfAFamily = new EmbeddedBrokerOptions { Addresses = ["127.0.0.1", "127.0.0.2"] };
        Assert.Contains(twoOfAFamily.Validate(true, ["svc"]), e => e.StartsWith("EdgeRuntime:Broker:Addresses: at most one IPv4 address", StringComparison.Ordinal));
        var notAnAddress = new EmbeddedBrokerOptions { Addresses = ["localhost"] };
        Assert.Contains(notAnAddress.Validate(true, ["svc"]), e => e == "EdgeRuntime:Broker:Addresses:0 is 'localhost', not an IP address.");
    }

    [Fact]
    public async Task Each_role_publishes_only_what_it_is_granted()
    {
        var broker = await WithReadOnlyAccount();
        await using var _ = broker;
        var root = broker.Root;
        await using var service = await BrokerClient.ConnectAsync(broker.Port, "svc", "svc-secret");
        await using var admin = await BrokerClient.ConnectAsync(broker.Port, "admin", "admin-secret");
        await using var lis = await BrokerClient.ConnectAsync(broker.Port, "lis", "lis-secret");
        Assert.All(new[] { service, admin, lis }, c => Assert.Equal(MqttClientConnectResultCode.Success, c.Result));

        var refused = MqttClientPublishReasonCode.NotAuthorized;
        var granted = MqttClientPublishReasonCode.NoMatchingSubscribers; // accepted; no one listens yet

        // The read-only account (an LIS) forges nothing: no result, no status, no admin command, no reply.
        Assert.Equal(refused, await lis.PublishAsync($"{root}/slides/abc/result"));
        Assert.Equal(refused, await lis.PublishAsync($"{root}/status", retain: true));
        Assert.Equal(refused, await lis.PublishAsync($"{root}/admin/plugins/activate"));
        Assert.Equal(refused, await lis.PublishAsync($"{root}/admin/replies/admin-1"));
        Assert.Equal(refused, await lis.PublishAsync($"{root}/requests/replies/lis-1"));
        Assert.Equal(granted, await lis.PublishAsync($"{root}/requests/tasks/retrieval-index/search"));
        Assert.Equal(refused, await lis.PublishAsync($"{root}/requests/tasks/retrieval-index/search", retain: true));

        // The admin account sends admin commands only, never retained (one would run again at every reconnection).
        Assert.Equal(granted, await admin.PublishAsync($"{root}/admin/plugins/list"));
        Assert.Equal(refused, await admin.PublishAsync($"{root}/admin/plugins/activate", retain: true));
        Assert.Equal(refused, await admin.PublishAsync($"{root}/slides/abc/result"));
        Assert.Equal(refused, await admin.PublishAsync($"{root}/admin/replies/admin-1"));

        // The service publishes the node's topics and replies, and sends no request.
        Assert.Equal(granted, await service.PublishAsync($"{root}/slides/abc/result"));
        Assert.Equal(granted, await service.PublishAsync($"{root}/admin/replies/admin-1"));
        Assert.Equal(refused, await service.PublishAsync($"{root}/admin/plugins/activate"));
        Assert.Equal(refused, await service.PublishAsync($"{root}/requests/tasks/retrieval-index/search"));

        // Nothing outside the node's tree, for anyone.
        Assert.Equal(refused, await service.PublishAsync("elsewhere/box1/status"));
        Assert.Contains("role ReadOnly", broker.Log.Text);
    }

    [Fact]
    public async Task A_read_only_account_sees_results_but_never_the_admin_tree_even_through_a_wildcard()
    {
        var broker = await WithReadOnlyAccount();
        await using var _ = broker;
        var root = broker.Root;
        await using var service = await BrokerClient.ConnectAsync(broker.Port, "svc", "svc-secret");
        await using var admin = await BrokerClient.ConnectAsync(broker.Port, "admin", "admin-secret");
        await using var lis = await BrokerClient.ConnectAsync(broker.Port, "lis", "lis-secret");

        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await lis.SubscribeAsync($"{root}/admin/replies/#"));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await lis.SubscribeAsync("edgeruntime/+/admin/#"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await lis.SubscribeAsync("#"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await admin.SubscribeAsync($"{root}/admin/replies/#"));

        await service.PublishAsync($"{root}/admin/replies/admin-1");
        await service.PublishAsync($"{root}/slides/abc/state");
        await WaitUntil(() => lis.Received.Contains($"{root}/slides/abc/state") && admin.Received.Contains($"{root}/admin/replies/admin-1"));
        Assert.DoesNotContain($"{root}/admin/replies/admin-1", lis.Received);
    }

    [Fact]
    public async Task Anonymous_clients_are_refused_once_any_account_is_configured_and_read_only_while_none_is()
    {
        await using (var configured = await RunningBroker.StartAsync(RunningBroker.Accounts(service: "svc", admin: null)))
        {
            await using var anonymous = await BrokerClient.ConnectAsync(configured.Port, null, null);
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, anonymous.Result);
            await using var wrong = await BrokerClient.ConnectAsync(configured.Port, "svc", "guess");
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, wrong.Result);
        }

        await using var open = await RunningBroker.StartAsync(RunningBroker.Accounts(service: null, admin: null));
        await using var reader = await BrokerClient.ConnectAsync(open.Port, null, null);
        Assert.Equal(MqttClientConnectResultCode.Success, reader.Result);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await reader.PublishAsync($"{open.Root}/status", retain: true));

        // The node itself still publishes, with the account only its process knows.
        await using var node = await BrokerClient.ConnectAsync(open.Port, open.Service.Username, open.Service.Password);
        Assert.Equal(MqttClientPublishReasonCode.NoMatchingSubscribers, await node.PublishAsync($"{open.Root}/status", retain: true));
        await using var guess = await BrokerClient.ConnectAsync(open.Port, ServiceAccount.BuiltInUsername, "guess");
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, guess.Result);
    }

    [Fact]
    public async Task The_nodes_client_id_is_kept_for_the_service_account_so_no_one_can_take_its_session_over()
    {
        var broker = await WithReadOnlyAccount();
        await using var _ = broker;
        await using var node = await BrokerClient.ConnectAsync(broker.Port, "svc", "svc-secret", clientId: broker.Service.ClientId);
        Assert.Equal(MqttClientConnectResultCode.Success, node.Result);

        await using var thief = await BrokerClient.ConnectAsync(broker.Port, "lis", "lis-secret", clientId: broker.Service.ClientId);
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, thief.Result);
        await using var admin = await BrokerClient.ConnectAsync(broker.Port, "admin", "admin-secret", clientId: broker.Service.ClientId);
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, admin.Result);
        await Task.Delay(500);
        Assert.True(node.Connected, "the node's own connection survives");
        Assert.Contains("the client id is the node's own", broker.Log.Text);

        // The node itself reconnecting before its old connection is noticed dead takes its own session over, and the
        // old connection's end must not take the new one's rights with it.
        await using var again = await BrokerClient.ConnectAsync(broker.Port, "svc", "svc-secret", clientId: broker.Service.ClientId);
        Assert.Equal(MqttClientConnectResultCode.Success, again.Result);
        await Task.Delay(500);
        Assert.Equal(MqttClientPublishReasonCode.NoMatchingSubscribers, await again.PublishAsync($"{broker.Root}/slides/abc/state", retain: true));
    }

    [Fact]
    public async Task Its_tls_endpoint_serves_the_configured_certificate_to_clients_that_trust_its_ca_only()
    {
        using var certificates = new TestCertificates();
        var options = new EmbeddedBrokerOptions();
        options.ReadOnlyAccounts.Add(new BrokerAccountOptions { Username = "lis", Password = "lis-secret" });
        options.Tls.CertificateFile = certificates.ServerCertificate;
        options.Tls.KeyFile = certificates.ServerKey;
        options.Tls.Port = Mosquitto.FreePort();
        await using var broker = await RunningBroker.StartAsync(RunningBroker.Accounts(), options);
        Assert.Equal(new HashSet<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback }.Where(Loopbacks.Contains).ToHashSet(), ListeningSockets.On(options.Tls.Port));

        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPemFile(certificates.CaFile);
        await using var lis = await BrokerClient.ConnectAsync(options.Tls.Port, "lis", "lis-secret", trust: trusted);
        Assert.True(lis.Result == MqttClientConnectResultCode.Success, lis.Error);

        var rogue = new X509Certificate2Collection();
        rogue.ImportFromPemFile(certificates.RogueCaFile);
        await using var fooled = await BrokerClient.ConnectAsync(options.Tls.Port, "lis", "lis-secret", trust: rogue);
        Assert.NotEqual(MqttClientConnectResultCode.Success, fooled.Result);

        // Plain MQTT to the TLS port is not MQTT the broker answers.
        await using var plain = await BrokerClient.ConnectAsync(options.Tls.Port, "lis", "lis-secret");
        Assert.NotEqual(MqttClientConnectResultCode.Success, plain.Result);
    }

    private static bool HasIpv6Loopback()
    {
        try
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetworkV6, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static async Task<RunningBroker> WithReadOnlyAccount()
    {
        var options = new EmbeddedBrokerOptions();
        options.ReadOnlyAccounts.Add(new BrokerAccountOptions { Username = "lis", Password = "lis-secret" });
        return await RunningBroker.StartAsync(RunningBroker.Accounts(), options);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 20 s");
            await Task.Delay(50);
        }
    }
}
