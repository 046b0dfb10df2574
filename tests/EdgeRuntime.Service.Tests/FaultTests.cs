using System.Text.Json;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;
using static EdgeRuntime.Service.Tests.SlideMessages;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// Faults made to happen against a real <c>edgert run</c>: a thousand damaged files, SIGKILL at random points of the
/// work, the broker gone for a minute and back without its memory, a results disk that fills up. Each test writes
/// its figures to the test output (the closing notes quote them).
/// </summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(600);

    [Fact]
    public async Task A_thousand_damaged_files_never_crash_the_service_and_each_ends_failed_with_a_reason_or_done()
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false);

        // Weighted towards the small sources, so that damaged files that still open are quick to process.
        // (1 in 16 each from the CMU region and the NDPI, whose damaged copies that still open take a second or more).
        string[] sources = [.. Enumerable.Repeat(TestData.Slide("small.svs"), 5), .. Enumerable.Repeat(TestData.Slide("boxes.tiff"), 5),
            .. Enumerable.Repeat(TestData.Slide("unreadable.svs"), 2), .. Enumerable.Repeat(TestData.Slide("boxes.png"), 2),
            TestData.Slide("CMU-1-Small-Region.svs"), TestData.Slide("test3-DAPI-2.ndpi")];
        var corpus = DamagedSlideCorpus.Write(workspace.Inbox, sources, count: 1000, seed: 20261202);

        using var service = workspace.Start();
        var deadline = DateTime.UtcNow + Patience;
        var peak = 0L;
        while (Directory.EnumerateFiles(workspace.Inbox).Any())
        {
            Assert.True(service.Running, "the service died on a damaged file\n" + Tail(service.Output));
            Assert.True(DateTime.UtcNow < deadline, $"{Directory.EnumerateFiles(workspace.Inbox).Count()} files still in the inbox\n" + Tail(service.Output));
            peak = Math.Max(peak, service.PeakResidentBytes);
            await Task.Delay(500);
        }

        peak = Math.Max(peak, service.PeakResidentBytes);
        var failedFolder = Path.Combine(workspace.Inbox, "failed");
        var doneFolder = Path.Combine(workspace.Inbox, "done");
        var failed = corpus.Where(c => File.Exists(Path.Combine(failedFolder, c.Name))).ToList();
        var done = corpus.Where(c => File.Exists(Path.Combine(doneFolder, c.Name))).ToList();
        Assert.Equal(corpus.Count, failed.Count + done.Count); // none lost, none in both
        foreach (var (name, _) in failed)
        {
            var note = Path.Combine(failedFolder, name + ".reason.txt");
            Assert.True(File.Exists(note), $"{name} failed without a reason note");
            Assert.Contains(name, File.ReadAllText(note));
        }

        // Memory stays bounded whatever the files declare. Measured on 2 cores: about 790 MiB peak with the GC told to
        // conserve memory (edgert's runtimeconfig), 1.8 to 2.0 GiB without (garbage the GC had not yet returned).
        Assert.True(peak < 1280L << 20, $"peak RSS {peak >> 20} MiB");
        Assert.True(service.Running);
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(60)));

        foreach (var kind in DamagedSlideCorpus.Kinds)
        {
            output.WriteLine($"{kind}: {corpus.Count(c => c.Kind == kind)} files, {failed.Count(c => c.Kind == kind)} failed with a reason, {done.Count(c => c.Kind == kind)} done");
        }

        output.WriteLine($"files {corpus.Count}, failed {failed.Count}, done {done.Count}, lost 0, crashes 0, peak RSS {peak >> 20} MiB");
    }

    [Fact]
    public async Task Killed_twenty_times_inside_processing_result_writing_and_outbox_draining_no_slide_is_lost_or_done_twice()
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false);
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        var slides = Enumerable.Range(0, 10).Select(Slides.Large).ToList();
        var random = new Random(11);
        var kills = new Dictionary<string, int> { ["mid-slide"] = 0, ["writing results"] = 0, ["draining the outbox"] = 0 };
        try
        {
            foreach (var slide in slides)
            {
                workspace.Drop(slide.Path);
            }

            for (var round = 0; round < 20; round++)
            {
                using var service = workspace.Start();
                var doneBefore = probe.On("/state").Count(s => s.Payload.GetProperty("state").GetString() == "done");
                var progressBefore = probe.On("/progress").Count;
                var point = kills.Keys.ElementAt(random.Next(kills.Count));
                var fraction = 0.1 + (0.9 * random.NextDouble());
                Func<bool> landed = point switch
                {
                    // Some slide's progress past a random fraction of its tiles.
                    "mid-slide" => () => probe.On("/progress").Skip(progressBefore).Any(p => p.Payload.GetProperty("tilesDone").GetInt32() >= fraction * p.Payload.GetProperty("tilesTotal").GetInt32()),
                    // A staging folder with files in it: the result being written.
                    "writing results" => () => Directory.Exists(workspace.Results) && Directory.EnumerateDirectories(workspace.Results, ".*.tmp").Any(d => Directory.EnumerateFileSystemEntries(d).Any()),
                    // A slide's "done" went out: the outbox is being drained (its result follows it).
                    _ => () => probe.On("/state").Count(s => s.Payload.GetProperty("state").GetString() == "done") > doneBefore,
                };
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
                while (!landed() && DateTime.UtcNow < deadline && probe.On("/result").Select(r => Id(r.Payload)).Distinct().Count() < slides.Count)
                {
                    await Task.Delay(20);
                }

                if (!landed())
                {
                    break; // all slides done: nothing left to interrupt
                }

                service.KillHard();
                kills[point]++;
            }

            using (var last = workspace.Start())
            {
                await probe.WaitForAsync(p => p.On("/result").Select(r => Id(r.Payload)).Distinct().Count() == slides.Count, Patience, "every slide's result after the kills\n" + last.Output);
                await Task.Delay(3000); // repeats would arrive now
                Assert.Equal(0, last.Stop(TimeSpan.FromSeconds(60)));
            }

            var results = probe.On("/result").GroupBy(r => Id(r.Payload)).ToList();
            Assert.Equal(slides.Count, results.Count); // none lost

            // Done once: every message of a slide's result carries the same document (a repeat is the outbox
            // redelivering an event it had not yet forgotten, which subscribers drop by its sequence).
            foreach (var slide in results)
            {
                Assert.Single(slide.Select(r => r.Payload.GetProperty("provenance").GetProperty("processedAt").GetString()).Distinct());
            }

            Assert.Equal(slides.Count, Directory.GetDirectories(workspace.Results).Count(d => !Path.GetFileName(d).StartsWith('.')));
            Assert.Empty(Directory.GetDirectories(workspace.Results, ".*.tmp")); // the half-written ones were cleared

            // The journal agrees: all done, nothing waiting for the broker.
            var (code, status, error) = Edgert("status", "--json", "--config", workspace.ConfigPath);
            Assert.True(code == 0, error);
            using var journal = JsonDocument.Parse(status);
            var counts = journal.RootElement.GetProperty("counts");
            Assert.Equal((slides.Count, 0, 0, 0), (counts.GetProperty("done").GetInt32(), counts.GetProperty("pending").GetInt32(), counts.GetProperty("processing").GetInt32(), counts.GetProperty("failed").GetInt32()));
            Assert.Equal(0, journal.RootElement.GetProperty("outbox").GetInt64());
            var attempts = journal.RootElement.GetProperty("slides").EnumerateArray().Sum(s => s.GetProperty("attempts").GetInt32());
            var total = kills.Values.Sum();
            var repeats = probe.On("/result").Count - slides.Count;
            output.WriteLine($"kills {total} ({string.Join(", ", kills.Select(k => $"{k.Value} {k.Key}"))}), slides {slides.Count}, lost 0, done twice 0, result messages repeated by the outbox {repeats}, attempts {attempts}");
            Assert.True(total == 20 && kills.Values.All(v => v > 0), $"only {total} kills landed inside the work ({string.Join(", ", kills)})");
        }
        finally
        {
            slides.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task The_broker_down_for_a_minute_and_back_without_its_persistence_loses_nothing()
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false);
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        using var service = workspace.Start();
        await probe.WaitForAsync(p => p.On("box1/status").Count > 0, Patience, "the node online\n" + service.Output);
        var slides = Enumerable.Range(10, 3).Select(Slides.Small).ToList();
        try
        {
            broker.Stop();
            var down = DateTime.UtcNow;
            foreach (var slide in slides)
            {
                workspace.Drop(slide.Path);
            }

            while (DateTime.UtcNow - down < TimeSpan.FromSeconds(60))
            {
                Assert.True(service.Running);
                await Task.Delay(1000);
            }

            Assert.Equal(slides.Count, Directory.GetDirectories(workspace.Results).Count(d => !Path.GetFileName(d).StartsWith('.'))); // done while it was down
            broker.WipePersistence();

            // A subscriber must be back before the results are: the wiped broker keeps no session for it, so what
            // reached the broker before it subscribed again would be gone for it (MQTT's rule, not ours). The service
            // holds still while the broker starts and the probe subscribes; it would otherwise win that race now
            // and then, when its back-off happens to end just as the broker opens its port.
            service.Pause();
            try
            {
                broker.Start();
                await probe.WaitSubscribedAsync(TimeSpan.FromSeconds(60));
            }
            finally
            {
                service.Resume();
            }

            await probe.WaitForAsync(p => p.On("/result").Select(r => Id(r.Payload)).Distinct().Count() == slides.Count, Patience, "the results after the broker came back empty\n" + service.Output);
            Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(60)));
            output.WriteLine($"broker down {(int)(DateTime.UtcNow - down).TotalSeconds} s (60 s outage), persistence wiped, slides {slides.Count}, results {probe.On("/result").Select(r => Id(r.Payload)).Distinct().Count()}, lost 0");
        }
        finally
        {
            slides.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task A_full_results_disk_keeps_the_slide_queued_and_it_is_done_once_space_returns()
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false);
        Directory.CreateDirectory(workspace.Results);

        // A 64 KiB tmpfs as the results disk: a small slide's results (tile table, features, overlay) do not fit.
        ExternalTool.Run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", workspace.Results]);
        try
        {
            await using var probe = await MqttProbe.StartAsync(broker.Port);
            using var service = workspace.Start();
            using var slide = Slides.Small(20);
            workspace.Drop(slide.Path);
            var deadline = DateTime.UtcNow + Patience;
            while (!service.Output.Contains("no space left writing its results", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, "the full disk was never met\n" + service.Output);
                await Task.Delay(200);
            }

            await Task.Delay(3000); // a few retries against the full disk
            Assert.Empty(probe.On("/result"));
            Assert.DoesNotContain(probe.On("/state"), s => s.Payload.GetProperty("state").GetString() == "failed");
            Assert.Contains(probe.On("/state"), s => s.Payload.GetProperty("state").GetString() == "pending" && (s.Payload.GetProperty("reason").GetString() ?? string.Empty).Contains("waiting for space", StringComparison.Ordinal));
            Assert.True(File.Exists(Path.Combine(workspace.Inbox, Path.GetFileName(slide.Path))), "the slide left the inbox");

            ExternalTool.Run("/bin/mount", ["-o", "remount,size=64m", workspace.Results]);
            await probe.WaitForAsync(p => p.On("/result").Count == 1, Patience, "the result once space returned\n" + service.Output);
            Assert.Contains(probe.On("/state"), s => s.Payload.GetProperty("state").GetString() == "done");
            Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(60)));
            var attempts = probe.On("/state").Count(s => s.Payload.GetProperty("state").GetString() == "processing");
            output.WriteLine($"attempts against the full disk and after: {attempts}, failed 0, result 1");
        }
        finally
        {
            ExternalTool.Run("/bin/umount", ["-l", workspace.Results]);
        }
    }

    private static (int Code, string Out, string Error) Edgert(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        return (EdgeRuntime.Cli.EdgertApp.Run(args, stdout, stderr), stdout.ToString(), stderr.ToString());
    }

    private static string Tail(string text) => text.Length > 6000 ? text[^6000..] : text;
}
