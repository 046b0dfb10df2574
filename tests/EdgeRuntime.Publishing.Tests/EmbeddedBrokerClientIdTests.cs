using EdgeRuntime.Publishing.Broker;
using EdgeRuntime.TestSupport;
using MQTTnet;
using MQTTnet.Formatter;
using Xunit;

namespace EdgeRuntime.Publishing.Tests;

/// <summary>
/// Client ids on the embedded broker: each belongs to the account whose session has it (so no account drops
/// another's connection or takes its queued messages), across restarts too; and clients that send none, as
/// standard tools do, get one.
/// </summary>
public sealed class EmbeddedBrokerClientIdTests
{
    [Fact]
    public async Task A_client_id_in_use_by_one_account_is_refused_to_another_and_the_refusal_is_logged_and_counted()
    {
        await using var broker = await WithReadOnlyAccounts();
        await using var admin = await BrokerClient.ConnectAsync(broker.Port, "admin", "admin-secret", clientId: "adm-session");
        Assert.Equal(MqttClientConnectResultCode.Success, admin.Result);

        // Before: MQTTnet let any account take over any session, so the read-only lis dropped the admin.
        await using var thief = await BrokerClient.ConnectAsync(broker.Port, "lis", "lis-secret", clientId: "adm-session");
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, thief.Result);
        await Task.Delay(300);
        Assert.True(admin.Connected, "the admin's connection survives");
        Assert.Equal(1, broker.Metrics.Count(Refusal.ClientIdTaken));
        Assert.Contains("the client id belongs to another account's session", broker.Log.Text);

        // The same account may take its own session over (a client reconnecting before its old connection died).
        await using var adminAgain = await BrokerClient.ConnectAsync(broker.Port, "admin", "admin-secret", clientId: "adm-session");
        Assert.Equal(MqttClientConnectResultCode.Success, adminAgain.Result);
    }

    [Fact]
    public async Task A_persistent_sessions_client_id_stays_its_accounts_while_the_client_is_away_and_across_a_restart()
    {
        using var state = new TempDirectory();
        var mqtt = RunningBroker.Accounts();
        var path = state.File("broker.db");
        await using (var broker = await WithReadOnlyAccounts(mqtt, path))
        {
            await using var lis = await BrokerClient.ConnectAsync(broker.Port, "lis", "lis-secret", clientId: "lis-results", cleanStart: false, sessionExpiry: 3600);
            Assert.Equal(MqttClientConnectResultCode.Success, lis.Result);
        }

        await using (var restarted = await WithReadOnlyAccounts(mqtt, path))
        {
            await using var other = await BrokerClient.ConnectAsync(restarted.Port, "lis2", "lis2-secret", clientId: "lis-results");
            Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, other.Result);
            await using var owner = await BrokerClient.ConnectAsync(restarted.Port, "lis", "lis-secret", clientId: "lis-results", cleanStart: false, sessionExpiry: 3600);
            Assert.Equal(MqttClientConnectResultCode.Success, owner.Result);
            Assert.True(owner.SessionPresent);
        }

        // A session that ended (clean, not persistent) frees its id.
        await using var again = await WithReadOnlyAccounts(mqtt, path);
        await using (var once = await BrokerClient.ConnectAsync(again.Port, "lis", "lis-secret", clientId: "lis-once"))
        {
            Assert.Equal(MqttClientConnectResultCode.Success, once.Result);
        }

        await Task.Delay(300);
        await using var next = await BrokerClient.ConnectAsync(again.Port, "lis2", "lis2-secret", clientId: "lis-once");
        Assert.Equal(MqttClientConnectResultCode.Success, next.Result);
    }

    [Fact]
    public async Task A_client_without_a_client_id_gets_one_in_mqtt_5_and_3_1_1_with_a_clean_session()
    {
        await using var broker = await WithReadOnlyAccounts();
        await using var v5 = await BrokerClient.ConnectAsync(broker.Port, "lis", "lis-secret", clientId: string.Empty);
        Assert.Equal(MqttClientConnectResultCode.Success, v5.Result);
        Assert.False(string.IsNullOrEmpty(v5.AssignedClientId));
        await using var v311 = await BrokerClient.ConnectAsync(broker.Port, "lis", "lis-secret", clientId: string.Empty, version: MqttProtocolVersion.V311);
        Assert.Equal(MqttClientConnectResultCode.Success, v311.Result);

        Assert.Equal(new byte[] { 0x20, 0x02, 0x00, 0x00 }, await RawConnectWithoutClientIdAsync(broker.Port, "MQTT", 4, cleanSession: true)); // accepted
    }

    [Theory]
    [InlineData("MQTT", 4, false)] // 3.1.1 without a clean session: nothing to come back to without an id (MQTT 3.1.1 §3.1.3.1)
    [InlineData("MQIsdp", 3, true)] // 3.1: ids of 1 to 23 characters, whatever the session
    [InlineData("MQIsdp", 3, false)]
    public async Task A_connect_whose_protocol_version_allows_no_empty_client_id_is_answered_identifier_rejected_and_closed(string protocol, byte level, bool cleanSession)
    {
        await using var broker = await WithReadOnlyAccounts();

        // Before: MQTTnet's decoder closed the 3.1.1 connection unanswered, and gave a 3.1 one an id.
        // (Raw bytes: mosquitto_sub refuses to send it, "You must provide a client id if you are using the -c option".)
        var answer = await RawConnectWithoutClientIdAsync(broker.Port, protocol, level, cleanSession);

        Assert.Equal(new byte[] { 0x20, 0x02, 0x00, 0x02 }, answer); // CONNACK, no session present, identifier rejected, then closed
        Assert.Equal(1, broker.Metrics.Count(Refusal.ClientIdRejected));
        Assert.Contains("(user 'lis')", broker.Log.Text, StringComparison.Ordinal);
        Assert.Contains("answered identifier rejected", broker.Log.Text, StringComparison.Ordinal);

        // The same client with an id of its own is taken.
        await using var named = await BrokerClient.ConnectAsync(broker.Port, "lis", "lis-secret", clientId: "lis-named", cleanStart: false, version: MqttProtocolVersion.V311);
        Assert.Equal(MqttClientConnectResultCode.Success, named.Result);
    }

    [Theory]
    [InlineData("mqttv311")]
    [InlineData("mqttv5")]
    public async Task Mosquitto_sub_with_no_client_id_reads_results(string version)
    {
        await using var broker = await WithReadOnlyAccounts();
        var received = Task.Run(() => ExternalTool.Run("/usr/bin/mosquitto_sub", ["-h", "127.0.0.1", "-p", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-u", "lis", "-P", "lis-secret", "-V", version, "-t", "edgeruntime/#", "-q", "1", "-C", "1", "-W", "30", "-v"]));

        // Publish until mosquitto_sub (which has no way to say it subscribed) got one, or gave up.
        await using var service = await BrokerClient.ConnectAsync(broker.Port, "svc", "svc-secret");
        while (!received.IsCompleted)
        {
            await service.PublishAsync($"{broker.Root}/slides/abc/state", "{\"state\":\"done\"}");
            await Task.WhenAny(received, Task.Delay(200));
        }

        // Before: "identifier rejected" (3.1.1) or "Client Identifier not valid" (5), and a non-zero exit.
        Assert.Equal($"{broker.Root}/slides/abc/state {{\"state\":\"done\"}}", (await received).Trim());
    }

    // A CONNECT of MQTT 3.1 or 3.1.1 with an empty client id as user lis: what the broker sent back before it closed
    // the connection (the CONNACK's four bytes, or none if closed unanswered).
    private static async Task<byte[]> RawConnectWithoutClientIdAsync(int port, string protocol, byte level, bool cleanSession)
    {
        byte[] Text(string value) => [0, (byte)value.Length, .. System.Text.Encoding.UTF8.GetBytes(value)];
        byte[] body = [.. Text(protocol), level, (byte)(0xC0 | (cleanSession ? 0x02 : 0)), 0, 60, 0, 0, .. Text("lis"), .. Text("lis-secret")];
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 0x10, (byte)body.Length }.Concat(body).ToArray());
        var received = new List<byte>();
        var buffer = new byte[16];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (received.Count < 4)
        {
            int n;
            try
            {
                n = await stream.ReadAsync(buffer, deadline.Token);
            }
            catch (IOException)
            {
                break; // reset by the broker
            }

            if (n == 0)
            {
                break;
            }

            received.AddRange(buffer.Take(n));
        }

        if (received.SequenceEqual(new byte[] { 0x20, 0x02, 0x00, 0x02 }))
        {
            // Refused: the broker closes the connection after its answer (an orderly close or a reset).
            try
            {
                Assert.Equal(0, await stream.ReadAsync(buffer, deadline.Token));
            }
            catch (IOException)
            {
            }
        }

        return [.. received];
    }

    private static async Task<RunningBroker> WithReadOnlyAccounts(EdgeRuntime.Publishing.Mqtt.MqttOptions? mqtt = null, string? statePath = null)
    {
        var options = new EmbeddedBrokerOptions();
        options.ReadOnlyAccounts.Add(new BrokerAccountOptions { Username = "lis", Password = "lis-secret" });
        options.ReadOnlyAccounts.Add(new BrokerAccountOptions { Username = "lis2", Password = "lis2-secret" });
        return await RunningBroker.StartAsync(mqtt ?? RunningBroker.Accounts(), options, statePath);
    }
}
