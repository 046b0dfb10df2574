using System.Text;
using System.Text.Json;
using EdgeRuntime.Journal;
using EdgeRuntime.Lis.Delivery;
using EdgeRuntime.Lis.Fhir;
using EdgeRuntime.Publishing.Metrics;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.Runtime.Metrics;
using EdgeRuntime.TestSupport;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Packets;

namespace EdgeRuntime.Lis.Tests;

public sealed class FhirMqttSinkTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async System.Threading.Tasks.Task The_bundle_is_published_on_the_slides_fhir_topic_of_a_real_broker_with_its_sequence()
    {
        using var broker = new Mosquitto();
        var mqtt = new MqttOptions { Host = "127.0.0.1", Port = broker.Port, NodeId = "box1" };
        var topics = new TopicMap(mqtt);
        var journal = new SlideJournal(temp.File("journal.db"));
        using var pipeline = new PipelineMetrics();
        using var reader = new MetricsReader(pipeline);
        using var metrics = new PublishingMetrics();
        using var connection = new MqttConnection(mqtt, topics, new NodeMessages(mqtt, topics, journal, journal, reader, metrics), journal, new ServiceAccount(mqtt), metrics, NullLogger<MqttConnection>.Instance);
        var options = ResultFixture.Options();
        var sink = new FhirMqttSink(connection, topics, new FhirBundleBuilder(options), new RefusedMessages(options), options, NullLogger<FhirMqttSink>.Instance);

        // Not connected yet: the result waits in the outbox.
        Assert.False(await sink.DeliverAsync(ResultFixture.Done(sequence: 5), CancellationToken.None));

        using var lis = new MqttClientFactory().CreateMqttClient();
        var received = new TaskCompletionSource<MqttApplicationMessage>();
        lis.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(e.ApplicationMessage);
            return System.Threading.Tasks.Task.CompletedTask;
        };
        await lis.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        await lis.SubscribeAsync("edgeruntime/box1/slides/+/fhir", MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
        await connection.EnsureConnectedAsync(CancellationToken.None);
        Assert.True(await sink.DeliverAsync(ResultFixture.Done(sequence: 5), CancellationToken.None));

        var message = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var slideId = ResultFixture.Result()["slideId"]!.GetValue<string>();
        Assert.Equal($"edgeruntime/box1/slides/{slideId}/fhir", message.Topic);
        Assert.Equal("5", message.UserProperties.Single(p => p.Name == "sequence").ReadValueAsString());
        var bundle = JsonSerializer.Deserialize<Bundle>(Encoding.UTF8.GetString(message.Payload), new JsonSerializerOptions().ForFhir())!;
        Assert.Equal("S24-01234", bundle.Entry.Select(e => e.Resource).OfType<Specimen>().Single().AccessionIdentifier.Value);
        await lis.DisconnectAsync();
    }
}
