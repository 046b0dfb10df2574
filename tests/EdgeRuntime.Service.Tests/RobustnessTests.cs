using System.Text.Json;
using EdgeRuntime.TestSupport;
using Xunit;
using static EdgeRuntime.Service.Tests.SlideMessages;

namespace EdgeRuntime.Service.Tests;

// What goes wrong at a scanner: broken files, files still being written, crashes, a broker that goes away.
public sealed class RobustnessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    private static int ResultFolders(ServiceWorkspace workspace) =>
        Directory.Exists(workspace.Results) ? Directory.GetDirectories(workspace.Results).Count(d => !Path.GetFileName(d).StartsWith('.')) : 0;

    [Fact]
    public async Task Bad_files_fail_with_reasons_a_slide_being_written_or_still_empty_waits_and_good_slides_still_come_out()
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false, quietSeconds: 2);
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        using var service = workspace.Start();
        await probe.WaitForAsync(p => p.On("box1/status").Count > 0, Patience, "the node online\n" + service.Output);

        using var slow = Slides.Small(1);
        using var good = Slides.Small(2);
        using var late = Slides.Small(5);

        // A scanner that creates its file first and fills it later: empty for now.
        var latePath = Path.Combine(workspace.Inbox, "late.tiff");
        File.WriteAllBytes(latePath, []);
        File.WriteAllText(Path.Combine(workspace.Inbox, "notes.svs"), "not a slide\n");
        var whole = File.ReadAllBytes(TestData.Slide("CMU-1-Small-Region.svs"));
        File.WriteAllBytes(Path.Combine(workspace.Inbox, "truncated.svs"), whole.AsSpan(0, whole.Length / 3).ToArray());

        // A scanner writing slowly: bytes appended every 0.5 s for about 5 s, never quiet for the 2 s period.
        var slowBytes = File.ReadAllBytes(slow.Path);
        var slowPath = Path.Combine(workspace.Inbox, "slow.tiff");
        await using (var stream = new FileStream(slowPath, FileMode.Create, FileAccess.Write, FileShare.Read))
        {
            var chunk = (slowBytes.Length / 10) + 1;
            for (var offset = 0; offset < slowBytes.Length; offset += chunk)
            {
                await stream.WriteAsync(slowBytes.AsMemory(offset, Math.Min(chunk, slowBytes.Length - offset)));
                await stream.FlushAsync();
                await Task.Delay(500);
                Assert.Empty(probe.On("/result")); // nothing has been taken half-written
                Assert.DoesNotContain(probe.On("/state"), s => s.Payload.GetProperty("file").GetString() == "slow.tiff");
            }
        }

        workspace.Drop(good.Path);
        await probe.WaitForAsync(p => ResultsPerSlide(p).Count == 2 && p.On("/state").Count(s => s.Payload.GetProperty("state").GetString() == "failed") == 2, Patience, "2 results and 2 failures\n" + service.Output);

        // The empty file was never taken: no state, still in the inbox; filled, it is processed like any slide.
        Assert.DoesNotContain(probe.On("/state"), s => s.Payload.GetProperty("file").GetString() == "late.tiff");
        Assert.True(File.Exists(latePath), "the empty file was moved out of the inbox");
        File.WriteAllBytes(latePath, File.ReadAllBytes(late.Path));
        await probe.WaitForAsync(p => ResultsPerSlide(p).Count == 3, Patience, "a result for the file filled late\n" + service.Output);
        Assert.Contains(probe.On("/state"), s => s.Payload.GetProperty("file").GetString() == "late.tiff" && s.Payload.GetProperty("state").GetString() == "done");

        var failed = probe.On("/state").Where(s => s.Payload.GetProperty("state").GetString() == "failed").Select(s => s.Payload).ToList();
        Assert.Equal(2, failed.Count);
        foreach (var name in new[] { "notes.svs", "truncated.svs" })
        {
            var state = Assert.Single(failed, f => f.GetProperty("file").GetString() == name);
            Assert.Contains(name, state.GetProperty("reason").GetString());
            var reasonFile = Path.Combine(workspace.Inbox, "failed", name + ".reason.txt");
            Assert.True(File.Exists(reasonFile), reasonFile);
            Assert.Contains(name, File.ReadAllText(reasonFile));
        }

        Assert.Contains("not a format", File.ReadAllText(Path.Combine(workspace.Inbox, "failed", "notes.svs.reason.txt")));

        // The counts are the journal's: the two files refused at intake are failed slides too (they once read 0).
        await probe.WaitForAsync(p => p.On("box1/metrics").Any(m => m.Payload.GetProperty("slidesFailed").GetInt64() == 2 && m.Payload.GetProperty("slidesDone").GetInt64() == 3), Patience, "metrics counting 3 done and 2 failed\n" + service.Output);
        Assert.True(service.Running, "the service stopped on bad input");
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Killed_mid_slide_and_restarted_every_slide_comes_out_exactly_once()
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false);
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        var slides = Enumerable.Range(0, 3).Select(Slides.Large).ToList();
        try
        {
            using (var first = workspace.Start())
            {
                await probe.WaitForAsync(p => p.On("box1/status").Count > 0, Patience, "the node online\n" + first.Output);
                foreach (var slide in slides)
                {
                    workspace.Drop(slide.Path);
                }

                await probe.WaitForAsync(p => p.On("/state").Any(s => s.Payload.GetProperty("state").GetString() == "processing"), Patience, "a slide in progress\n" + first.Output);
                first.KillHard(); // SIGKILL in the middle of a slide
            }

            Assert.True(ResultsPerSlide(probe).Count < 3, "all slides were done before the kill: the test proved nothing");
            using var second = workspace.Start();
            await probe.WaitForAsync(p => ResultsPerSlide(p).Count == 3, Patience, "3 results after the restart\n" + second.Output);
            await Task.Delay(3000); // duplicates would arrive now
            Assert.All(ResultsPerSlide(probe), r => Assert.True(r.Value == 1, $"slide {r.Key} came out {r.Value} times"));
            Assert.Equal(3, ResultFolders(workspace));

            // The counts outlive the process: all three done, and the one interrupted counted as retried.
            await probe.WaitForAsync(p => p.On("box1/metrics").Any(m => m.Payload.GetProperty("slidesDone").GetInt64() == 3 && m.Payload.GetProperty("slidesRetried").GetInt64() >= 1), Patience, "metrics from the journal after the restart\n" + second.Output);

            // The first process went away uncleanly: its will said so.
            Assert.Contains(probe.On("box1/status"), s => s.Payload.GetProperty("state").GetString() == "offline" && !s.Payload.GetProperty("clean").GetBoolean());
            Assert.Equal(0, second.Stop(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            slides.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task Results_made_while_the_broker_is_down_arrive_once_when_it_is_back()
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false);
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        using var a = Slides.Small(3);
        using var b = Slides.Small(4);
        using var service = workspace.Start();
        await probe.WaitForAsync(p => p.On("box1/status").Count > 0, Patience, "the node online\n" + service.Output);

        broker.Stop();
        workspace.Drop(a.Path);
        workspace.Drop(b.Path);
        var deadline = DateTime.UtcNow + Patience;
        while (ResultFolders(workspace) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "slides were not processed while the broker was down\n" + service.Output);
            await Task.Delay(200);
        }

        Assert.Empty(probe.On("/result"));
        broker.Start();
        await probe.WaitForAsync(p => ResultsPerSlide(p).Count == 2, Patience, "2 results after the broker came back\n" + service.Output);
        await Task.Delay(3000);
        Assert.All(ResultsPerSlide(probe), r => Assert.Equal(1, r.Value));
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_task_that_fails_on_a_slide_is_recorded_in_its_result_and_logged_and_the_slide_is_done()
    {
        var settings = new Dictionary<string, Dictionary<string, string>> { ["zero-shot-tagging"] = new() { ["TopK"] = "0" } };
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false, taskSettings: settings);
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        using var service = workspace.Start();
        using var slide = Slides.Small(3);
        workspace.Drop(slide.Path);
        await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "a result\n" + service.Output);

        var result = probe.On("/result").Single().Payload;
        var tagging = result.GetProperty("tasks").GetProperty("zero-shot-tagging");
        Assert.Equal("failed", tagging.GetProperty("status").GetString());
        Assert.Contains("TaskSettings:zero-shot-tagging:TopK must be a whole number of at least 1 (is '0')", tagging.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("overlay").ValueKind); // no task classified tiles
        Assert.Contains(probe.On("/state"), s => s.Payload.GetProperty("state").GetString() == "done");
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
        Assert.Contains($"Slide {Id(result)}: task zero-shot-tagging failed", service.Output);
    }
}
