using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Outbox;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Publishing.Tests;

/// <summary>What a LIS subscribed to a real broker (Debian's Mosquitto) receives: order, text and counts.</summary>
public sealed class PayloadTests
{
    [Fact]
    public async Task A_subscriber_gets_the_result_before_the_done_state_and_plus_and_apostrophe_as_themselves()
    {
        using var broker = new Mosquitto();
        using var service = new ServiceConnection(new MqttOptions { Host = "127.0.0.1", Port = broker.Port, NodeId = "box1" });
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        await service.Connection.EnsureConnectedAsync(CancellationToken.None);

        var journal = service.Journal;
        journal.UseSinks([MqttEventSink.SinkName]);
        journal.Discover("s1", "/inbox/HER2+ Crohn's.svs", 1, [SlideEvents.Accepted("s1", "/inbox/HER2+ Crohn's.svs")]);
        var taken = journal.TakeNext(r => [SlideEvents.Started(r.Id, r.Path, 1)])!;
        journal.MarkDone(taken.Id, [SlideEvents.Done(taken.Id, taken.Path, new JsonObject { ["tags"] = new JsonArray("HER2+", "Crohn's disease") })]);
        var sink = new MqttEventSink(service.Connection, service.Topics, new RecordingLogger<MqttEventSink>());
        await OutboxDrain.DrainAsync(journal, sink, CancellationToken.None);

        await probe.WaitForAsync(p => p.Messages.Any(m => m.Payload.Contains("\"done\"", StringComparison.Ordinal)), TimeSpan.FromSeconds(20), "the done state");
        var topics = probe.Messages.Select(m => m.Topic).ToList();
        var result = topics.IndexOf("edgeruntime/box1/slides/s1/result");
        var done = probe.Messages.Select((m, i) => (m, i)).First(x => x.m.Topic.EndsWith("/s1/state", StringComparison.Ordinal) && x.m.Payload.Contains("\"done\"", StringComparison.Ordinal)).i;
        Assert.True(result >= 0 && result < done, string.Join(" | ", topics));

        // The raw text, as a subscriber that does not parse JSON (a log, a grep) sees it; still JSON that parses.
        var resultText = probe.Messages.First(m => m.Topic.EndsWith("/s1/result", StringComparison.Ordinal)).Payload;
        Assert.Contains("\"HER2+\"", resultText);
        Assert.Contains("\"Crohn's disease\"", resultText);
        Assert.DoesNotContain("\\u00", resultText);
        var stateText = probe.Messages.Last(m => m.Topic.EndsWith("/s1/state", StringComparison.Ordinal)).Payload;
        Assert.Contains("HER2+ Crohn's.svs", stateText);
        Assert.Equal("HER2+ Crohn's.svs", Path.GetFileName(JsonDocument.Parse(stateText).RootElement.GetProperty("file").GetString()));
    }

    [Fact]
    public void Slides_refused_at_intake_count_in_the_totals_and_since_start_alike()
    {
        using var service = new ServiceConnection(new MqttOptions { NodeId = "box1" });
        var journal = service.Journal;

        // As the inbox refuses an unreadable file: discovered, then failed, never processed.
        journal.Discover("bad", "/inbox/bad.svs", 1, [SlideEvents.Accepted("bad", "/inbox/bad.svs")]);
        journal.MarkFailed("bad", "not a slide", [SlideEvents.Failed("bad", "/inbox/bad.svs", "not a slide")]);

        var metrics = JsonDocument.Parse(service.Node.Metrics().Payload.ToArray()).RootElement;
        Assert.Equal(1, metrics.GetProperty("slidesFailed").GetInt32());
        Assert.Equal(1, metrics.GetProperty("sinceStart").GetProperty("slidesFailed").GetInt32());
    }
}
