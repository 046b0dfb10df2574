using EdgeRuntime.TestSupport;
using Xunit;
using static EdgeRuntime.Service.Tests.SlideMessages;

namespace EdgeRuntime.Service.Tests;

// Issue 23: a slide with no tissue is its own outcome where an LIS and an operator look: the result, the retained
// state on MQTT and `edgert status`; never tags. Before, small.svs (16 x 16 px of glass) was tagged with every
// CRC-100K class at 1/9 and reported `ok`.
public sealed class SlideOutcomeServiceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_slide_without_tissue_is_done_as_no_tissue_on_mqtt_and_in_status_with_no_tags()
    {
        var port = Mosquitto.FreePort();
        using var workspace = new ServiceWorkspace(port, embedded: true);
        using var service = workspace.Start();
        await using var probe = await MqttProbe.StartAsync(port);
        await probe.WaitForAsync(p => p.On("box1/metrics").Count > 0, Patience, "the node publishing\n" + service.Output);

        workspace.Drop(TestData.Slide("small.svs"), "blank-glass.svs");
        await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "a result\n" + service.Output);
        var document = Assert.Single(probe.On("/result")).Payload;
        var id = Id(document);
        ResultSchema.Validate(document.GetRawText());
        Assert.Equal("no-tissue", document.GetProperty("outcome").GetString());
        var tagging = document.GetProperty("tasks").GetProperty("zero-shot-tagging");
        Assert.Equal("skipped", tagging.GetProperty("status").GetString());
        Assert.False(tagging.TryGetProperty("output", out var output) && output.ValueKind == System.Text.Json.JsonValueKind.Object && output.TryGetProperty("tags", out var tags) && tags.GetArrayLength() > 0, "a blank slide was tagged");

        await probe.WaitForAsync(p => p.On($"slides/{id}/state").Any(s => s.Payload.GetProperty("state").GetString() == "done"), Patience, "the done state\n" + service.Output);
        var done = probe.On($"slides/{id}/state").Last().Payload;
        Assert.Equal("done", done.GetProperty("state").GetString());
        Assert.Equal("no-tissue", done.GetProperty("outcome").GetString());

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(0, EdgeRuntime.Cli.EdgertApp.Run(["status", "--config", workspace.ConfigPath], stdout, stderr));
        var line = Assert.Single(stdout.ToString().Split('\n'), l => l.Contains(id, StringComparison.Ordinal));
        Assert.Contains("no-tissue", line, StringComparison.Ordinal);
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }
}
