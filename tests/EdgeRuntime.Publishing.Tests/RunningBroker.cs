using EdgeRuntime.Publishing.Broker;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Publishing.Tests;

/// <summary>
/// The service's embedded broker, started in the test process on a free loopback port, as the service starts it,
/// with its state file in a temporary folder (or a given one, to start it again on the same state).
/// </summary>
internal sealed class RunningBroker : IAsyncDisposable
{
    private readonly EmbeddedBroker broker;
    private readonly TempDirectory? folder;

    private RunningBroker(MqttOptions mqtt, EmbeddedBroker broker, ServiceAccount service, RecordingLogger<EmbeddedBroker> log, BrokerMetrics metrics, TempDirectory? folder)
    {
        (Options, this.broker, Service, Log, Metrics, this.folder) = (mqtt, broker, service, log, metrics, folder);
    }

    public MqttOptions Options { get; }

    public ServiceAccount Service { get; }

    public RecordingLogger<EmbeddedBroker> Log { get; }

    public BrokerMetrics Metrics { get; }

    public int Port => Options.Port;

    public string Root => $"{Options.TopicPrefix}/{Options.NodeId}";

    public string StatePath => broker.StatePath;

    public int OpenConnections => broker.OpenConnections;

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

    /// <summary>Starts a broker; with <paramref name="statePath"/>, on that state file (kept after disposal), else on a temporary one.</summary>
    public static async Task<RunningBroker> StartAsync(MqttOptions mqtt, EmbeddedBrokerOptions? options = null, string? statePath = null)
    {
        options ??= new EmbeddedBrokerOptions();
        Assert.Empty(mqtt.Validate());
        Assert.Empty(options.Validate(!string.IsNullOrEmpty(mqtt.Username) || mqtt.AdminEnabled, [mqtt.Username ?? ServiceAccount.BuiltInUsername]));
        var folder = statePath is null ? new TempDirectory() : null;
        var service = new ServiceAccount(mqtt);
        var log = new RecordingLogger<EmbeddedBroker>();
        var metrics = new BrokerMetrics();
        var broker = new EmbeddedBroker(mqtt, options, new BrokerAccounts(mqtt, options, service), new BrokerAcl(new TopicMap(mqtt)), metrics, statePath ?? folder!.File("broker.db"), log);
        await broker.StartAsync(CancellationToken.None);
        return new RunningBroker(mqtt, broker, service, log, metrics, folder);
    }

    public async ValueTask DisposeAsync()
    {
        await broker.StopAsync(CancellationToken.None);
        broker.Dispose();
        Metrics.Dispose();
        folder?.Dispose();
    }
}
