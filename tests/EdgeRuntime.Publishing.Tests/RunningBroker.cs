using EdgeRuntime.Publishing.Broker;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Publishing.Tests;

/// <summary>The service's embedded broker, started in the test process on a free loopback port, as the service starts it.</summary>
internal sealed class RunningBroker : IAsyncDisposable
{
    private readonly EmbeddedBroker broker;

    private RunningBroker(MqttOptions mqtt, EmbeddedBroker broker, ServiceAccount service, RecordingLogger<EmbeddedBroker> log)
    {
        (Options, this.broker, Service, Log) = (mqtt, broker, service, log);
    }

    public MqttOptions Options { get; }

    public ServiceAccount Service { get; }

    public RecordingLogger<EmbeddedBroker> Log { get; }

    public int Port => Options.Port;

    public string Root => $"{Options.TopicPrefix}/{Options.NodeId}";

    /// <summary>Node "box1" with the given accounts (null: none).</summary>
    public static MqttOptions Accounts(string? service = "svc", string? admin = "admin") => new()
    {
        Port = Mosquitto.FreePort(),
        NodeId = "box1",
        Username = service,
        Password = service is null ? null : service + "-secret",
        AdminUsername = admin,
        AdminPassword = admin is null ? null : admin + "-secret",
    };

    public static async Task<RunningBroker> StartAsync(MqttOptions mqtt, EmbeddedBrokerOptions? options = null)
    {
        options ??= new EmbeddedBrokerOptions();
        Assert.Empty(mqtt.Validate());
        Assert.Empty(options.Validate(!string.IsNullOrEmpty(mqtt.Username) || mqtt.AdminEnabled, [mqtt.Username ?? ServiceAccount.BuiltInUsername]));
        var service = new ServiceAccount(mqtt);
        var log = new RecordingLogger<EmbeddedBroker>();
        var broker = new EmbeddedBroker(mqtt, options, new BrokerAccounts(mqtt, options, service), new BrokerAcl(new TopicMap(mqtt)), log);
        await broker.StartAsync(CancellationToken.None);
        return new RunningBroker(mqtt, broker, service, log);
    }

    public async ValueTask DisposeAsync()
    {
        await broker.StopAsync(CancellationToken.None);
        broker.Dispose();
    }
}
