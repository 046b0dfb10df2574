using System.Text.Json;
using EdgeRuntime.TestSupport;
using Xunit;
using static EdgeRuntime.Service.Tests.SlideMessages;

namespace EdgeRuntime.Service.Tests;

// The service as a user runs it: `edgert run` in its own process, a real broker, slides dropped in the inbox.
public sealed class EndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static void ValidAgainstSchema(string json) => ResultSchema.Validate(json);

    private static async Task ResultComesOutOnceAsync(ServiceWorkspace workspace, MqttProbe probe, ServiceProcess service)
    {
        using var slide = Slides.Small(0);
        workspace.Drop(slide.Path);
        await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "a result\n" + service.Output);
        await Task.Delay(2000); // a duplicate would arrive now
        var result = Assert.Single(probe.On("/result"));
        var document = result.Payload;
        var id = Id(document);
        Assert.Equal($"edgeruntime/box1/slides/{id}/result", result.Topic);
        ValidAgainstSchema(document.GetRawText());

        var provenance = document.GetProperty("provenance");
        Assert.Equal("tiny-reference", provenance.GetProperty("model").GetProperty("id").GetString());
        Assert.Equal("crc100k", provenance.GetProperty("prompts").GetProperty("id").GetString());
        Assert.Equal("TiffResolutionTags", document.GetProperty("resolution").GetProperty("source").GetString());

        // The default profile's zero-shot tagging ran as a plugin: every CRC-100K class tagged, scores summing to 1.
        var tagging = document.GetProperty("tasks").GetProperty("zero-shot-tagging");
        Assert.Equal("ok", tagging.GetProperty("status").GetString());
        var tags = tagging.GetProperty("output").GetProperty("tags").EnumerateArray().ToList();
        Assert.Equal(9, tags.Count);
        Assert.Equal(1.0, tags.Sum(t => t.GetProperty("score").GetDouble()), 6);
        Assert.Equal("zero-shot-tagging", document.GetProperty("overlay").GetProperty("task").GetString());

        // Every tile lies on the tissue block; the blank margins give none.
        var boxes = workspace.TileBoxes(id);
        Assert.Equal(document.GetProperty("tiles").GetProperty("kept").GetInt32(), boxes.Count);
        Assert.NotEmpty(boxes);
        foreach (var (x, y, w, h) in boxes)
        {
            var overlapW = Math.Min(x + w, slide.Tissue.X1) - Math.Max(x, slide.Tissue.X0);
            var overlapH = Math.Min(y + h, slide.Tissue.Y1) - Math.Max(y, slide.Tissue.Y0);
            Assert.True(overlapW > 0 && overlapH > 0, $"tile at ({x},{y}) is off the tissue block");
        }

        // Progress went out while the slide was processed, ending at all tiles.
        var progress = probe.On($"slides/{id}/progress").Select(p => p.Payload).ToList();
        Assert.NotEmpty(progress);
        Assert.Contains(progress, p => p.GetProperty("tilesDone").GetInt32() == p.GetProperty("tilesTotal").GetInt32() && p.GetProperty("tilesTotal").GetInt32() == boxes.Count);

        var states = probe.On($"slides/{id}/state").Select(s => s.Payload.GetProperty("state").GetString()).ToList();
        Assert.Equal(["pending", "processing", "done"], states);
        Assert.True(File.Exists(Path.Combine(workspace.Results, id, "overlay.png")));

        // The metrics read the pipeline's instruments: one slide done, its tiles encoded, batch latencies measured.
        await probe.WaitForAsync(p => p.On("box1/metrics").Any(m => m.Payload.GetProperty("slidesDone").GetInt64() == 1), Patience, "metrics after the slide\n" + service.Output);
        var metrics = probe.On("box1/metrics").Last(m => m.Payload.GetProperty("slidesDone").GetInt64() == 1).Payload;
        Assert.Equal(boxes.Count, metrics.GetProperty("tilesTotal").GetInt64());
        Assert.Equal(0, metrics.GetProperty("slidesFailed").GetInt64());
        Assert.True(metrics.GetProperty("modelLatencyMs").GetProperty("p50").GetDouble() > 0);
        Assert.True(File.Exists(Path.Combine(workspace.Inbox, "done", Path.GetFileName(slide.Path))));

        // The result names both places of the file: where it arrived, and the done folder it is in now.
        var file = document.GetProperty("file");
        Assert.Equal(Path.Combine(workspace.Inbox, Path.GetFileName(slide.Path)), file.GetProperty("arrivedPath").GetString());
        Assert.Equal(Path.Combine(workspace.Inbox, "done", Path.GetFileName(slide.Path)), file.GetProperty("path").GetString());
    }

    [Fact]
    public async Task Slide_dropped_in_the_inbox_comes_out_once_on_mosquitto()
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false);
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        using var service = workspace.Start();
        await probe.WaitForAsync(p => p.On("box1/status").Any(s => s.Payload.GetProperty("state").GetString() == "online"), Patience, "the node online\n" + service.Output);
        await ResultComesOutOnceAsync(workspace, probe, service);
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));

        // A graceful stop says so itself (the will is for crashes).
        await probe.WaitForAsync(p => p.On("box1/status").Any(s => s.Payload.GetProperty("state").GetString() == "offline"), Patience, "the node offline");
    }

    [Fact]
    public async Task A_subscriber_that_connects_late_sees_the_node_online_on_the_embedded_broker()
    {
        var port = Mosquitto.FreePort();
        using var workspace = new ServiceWorkspace(port, embedded: true);
        using var service = workspace.Start();
        await using (var early = await MqttProbe.StartAsync(port))
        {
            await early.WaitForAsync(p => p.On("box1/metrics").Count > 0, Patience, "the node publishing\n" + service.Output);
        }

        // The status was published before this subscriber existed: it must come from the broker's retained store.
        await using var late = await MqttProbe.StartAsync(port);
        await late.WaitForAsync(p => p.On("box1/status").Any(s => s.Payload.GetProperty("state").GetString() == "online"), TimeSpan.FromSeconds(20), "the retained online status\n" + service.Output);
        Assert.True(late.Messages.First(m => m.Topic.EndsWith("box1/status", StringComparison.Ordinal)).Retain);
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Subscribers_connecting_as_the_node_starts_all_learn_it_is_online()
    {
        // Measured before the status heartbeat: 2 of 120 subscribers that connected in the node's first seconds
        // never received the status from the embedded broker (their subscription raced its one publication).
        var port = Mosquitto.FreePort();
        using var workspace = new ServiceWorkspace(port, embedded: true);
        using var service = workspace.Start();
        var probes = new List<MqttProbe>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                probes.Add(await MqttProbe.StartAsync(port));
                await Task.Delay(50);
            }

            foreach (var probe in probes)
            {
                await probe.WaitForAsync(p => p.On("box1/status").Any(s => s.Payload.GetProperty("state").GetString() == "online"), TimeSpan.FromSeconds(30), $"probe {probes.IndexOf(probe)} to learn the node is online\n" + service.Output);
            }
        }
        finally
        {
            foreach (var probe in probes)
            {
                await probe.DisposeAsync();
            }
        }

        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Slide_dropped_in_the_inbox_comes_out_once_on_the_embedded_broker_which_wants_credentials()
    {
        var port = Mosquitto.FreePort();
        using var workspace = new ServiceWorkspace(port, embedded: true, username: "svc", password: "svc-s3cret", readOnlyAccounts: new() { ["lis"] = "s3cret" });
        using var service = workspace.Start();
        await using var probe = await MqttProbe.StartAsync(port, "lis", "s3cret");
        await ResultComesOutOnceAsync(workspace, probe, service);

        // Without the credentials the embedded broker turns a client away.
        var client = new MQTTnet.MqttClientFactory().CreateMqttClient();
        var options = new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build();
        var connected = true;
        try
        {
            connected = (await client.ConnectAsync(options)).ResultCode == MQTTnet.MqttClientConnectResultCode.Success && client.IsConnected;
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException)
        {
            connected = false;
        }

        Assert.False(connected);
        client.Dispose();
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }
}
