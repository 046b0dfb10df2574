using EdgeRuntime.Journal;
using EdgeRuntime.Publishing.Metrics;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.Runtime.Metrics;
using EdgeRuntime.TestSupport;

namespace EdgeRuntime.Publishing.Tests;

/// <summary>The service's own MQTT connection, built as the service builds it, around a journal in a temporary folder.</summary>
internal sealed class ServiceConnection : IDisposable
{
    private readonly TempDirectory folder = new();
    private readonly PipelineMetrics pipeline = new();
    private readonly MetricsReader reader;

    public ServiceConnection(MqttOptions options)
    {
        Options = options;
        var topics = new TopicMap(options);
        Topics = topics;
        Journal = new SlideJournal(folder.File("journal.db"));
        reader = new MetricsReader(pipeline);
        Node = new NodeMessages(options, topics, Journal, Journal, reader, Metrics);
        Connection = new MqttConnection(options, topics, Node, Journal, new ServiceAccount(options), Metrics, Log);
    }

    public MqttOptions Options { get; }

    public TopicMap Topics { get; }

    public SlideJournal Journal { get; }

    public PublishingMetrics Metrics { get; } = new();

    public NodeMessages Node { get; }

    public MqttConnection Connection { get; }

    public RecordingLogger<MqttConnection> Log { get; } = new();

    public void Dispose()
    {
        Connection.Dispose();
        reader.Dispose();
        pipeline.Dispose();
        Metrics.Dispose();
        folder.Dispose();
    }
}
